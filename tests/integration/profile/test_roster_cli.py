"""``mesh-roster import`` against profile over real HTTP, PostgreSQL and Kafka: every row exactly once,
and every accepted person's ParticipantJoined exactly once, even when the import is killed halfway."""

import asyncio
import csv
import os
import signal
import subprocess
import sys

import httpx
import pytest

from mentoring_contracts.topics import PARTICIPANTS
from mesh_profile.bootstrap import DEFINITION
from tests.integration.kafka_helpers import read_to_end
from tests.support.identity import CAMPUSES, INSTITUTION, local_issuer
from tests.support.programs import create_program
from tests.support.services import all_published, in_tenant, serving

HEADER = ["external_id", "email", "display_name", "campus", "topics", "languages", "time_zone", "availability", "affiliation"]


@pytest.fixture
async def profile_served(endpoints, database_factory):
    async with serving(DEFINITION, endpoints.kafka_bootstrap, await database_factory(DEFINITION)) as served:
        async with httpx.AsyncClient(base_url=served[1]) as client:
            await create_program(
                client,
                "term-start",
                eligibility=[{"rule_id": "students", "attribute": "affiliation", "operator": "equals", "value": "student"}],
            )
        yield served


def person(index: int, tag: str, **overrides) -> list[str]:
    values = {
        "external_id": f"{tag}{index:06d}",
        "email": f"{tag}{index}@uni.example.edu",
        "display_name": f"P {index}",
        "campus": ("north", "south")[index % 2],
        "topics": "Calculus II:" + ("mentor" if index % 5 == 0 else "mentee"),
        "languages": "en",
        "time_zone": "Europe/Berlin",
        "availability": "mon 17:00-19:00",
        "affiliation": "student",
        **overrides,
    }
    return [values[name] for name in HEADER]


def write_roster(path, rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(HEADER)
        writer.writerows(rows)


def roster_command(path, url: str, *extra: str) -> tuple[list[str], dict[str, str]]:
    token = local_issuer().token(audience="mesh-profile", roles=("admin",), institution=INSTITUTION, campuses=CAMPUSES)
    return (
        [sys.executable, "-m", "mesh_roster.cli", "import", str(path), "--program", "term-start", "--url", url, *extra],
        os.environ | {"MESH_TOKEN": token},
    )


async def run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    """The CLI as a process, awaited: profile serves it from this test's event loop."""
    process = await asyncio.create_subprocess_exec(*command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=240)
    return subprocess.CompletedProcess(command, process.returncode, stdout.decode(), stderr.decode())


async def stored(app) -> int:
    return await in_tenant(app.state.components.database).fetchval(
        "SELECT count(*) FROM participants WHERE program_id = 'term-start'"
    )


async def test_an_import_killed_halfway_and_run_again_takes_every_row_and_announces_every_person_once(
    profile_served, endpoints, tmp_path
) -> None:
    app, url = profile_served
    total = 3000
    path = tmp_path / "autumn.csv"
    write_roster(path, [person(index, "k") for index in range(total)])
    command, env = roster_command(path, url, "--batch", "50")
    first = await asyncio.create_subprocess_exec(*command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    while await stored(app) < total // 4:
        assert first.returncode is None, await first.stderr.read()
        await asyncio.sleep(0.05)
    first.send_signal(signal.SIGKILL)
    await first.wait()
    assert 0 < await stored(app) < total  # killed halfway

    resumed = await run(command, env)
    assert resumed.returncode == 0, resumed.stderr
    assert "resuming:" in resumed.stderr
    assert f"rows: new {total:,}" not in resumed.stdout  # some were new in the first run
    assert await stored(app) == total
    (tmp_path / "autumn.csv.roster-state.json").unlink()  # no memory of the runs: still nothing twice
    again = await run(command, env)
    assert again.returncode == 0 and f"unchanged {total:,}, rejected 0" in again.stdout, again.stdout

    await all_published(app)
    ids = {
        str(row["participant_id"])
        for row in await in_tenant(app.state.components.database).fetch(
            "SELECT participant_id FROM participants WHERE program_id = 'term-start'"
        )
    }
    records = await read_to_end(endpoints.kafka_bootstrap, [PARTICIPANTS.name])
    joined = [
        record.key.decode()
        for record in records
        if record.key and record.key.decode() in ids and dict(record.headers)["ce_type"].endswith(b"ParticipantJoined.v2")
    ]
    assert len(joined) == total and set(joined) == ids  # each person announced once


async def test_a_malformed_roster_loses_no_good_row_and_reports_every_bad_one_by_line(profile_served, tmp_path) -> None:
    app, url = profile_served
    path = tmp_path / "messy.csv"
    write_roster(
        path,
        [
            person(0, "m"),
            person(1, "m", time_zone="Mars/Olympus"),
            person(0, "m", email="dup@uni.example.edu"),
            person(3, "m", affiliation="staff"),
            person(4, "m"),
        ],
    )
    with path.open("ab") as file:
        file.write(
            "m000005,eve@uni.example.edu,Zoë,north,Art:mentee,en,Europe/Berlin,mon 10:00-11:00,student\n".encode("latin-1")
        )
    command, env = roster_command(path, url)
    result = await run(command, env)
    assert result.returncode == 1
    assert "6 rows: new 2, updated 0, unchanged 0, rejected 4" in result.stdout, result.stdout
    with (tmp_path / "messy.csv.errors.csv").open() as report:
        reasons = {int(row["line"]): row["reason"] for row in csv.DictReader(report)}
    assert set(reasons) == {3, 4, 5, 7}
    assert "Mars/Olympus" in reasons[3] and "is also on line 2" in reasons[4]
    assert "affiliation is 'staff'" in reasons[5] and "not UTF-8" in reasons[7]
    assert await stored(app) == 2

    missing = tmp_path / "missing.csv"
    missing.write_text("external_id,email\nx,x@uni.example.edu\n")
    refused = await run(roster_command(missing, url)[0], env)
    assert refused.returncode == 2 and "lacks the columns display_name" in refused.stderr
    unknown = await run([*roster_command(path, url)[0][:-4], "--program", "no-such", "--url", url], env)
    assert unknown.returncode == 2 and "404: no program 'no-such'" in unknown.stderr
