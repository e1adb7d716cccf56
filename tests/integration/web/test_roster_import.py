"""The console's roster import engine (mesh_web.pages.console.roster_runner) against the real profile service
over HTTP, with mesh-web's own database and session store on real PostgreSQL: every good row taken once,
every bad one recorded by line, the same file again doubles nobody, the token refreshed when it runs out,
signing out stops it, profile's refusal is kept, and only the program's own institution finds it."""

import asyncio
import csv
import os
import shutil
import time
import uuid
from datetime import timedelta
from pathlib import Path

import asyncpg
import httpx
import pytest

from mesh_profile.bootstrap import DEFINITION
from mesh_web.pages.console import roster_runner as runner
from mesh_web.pages.console import roster_store as records
from mesh_web.sessions.store import SessionStore
from tests.support.identity import INSTITUTION, local_issuer
from tests.support.programs import create_program
from tests.support.services import in_tenant, serving

PROGRAM = "term-start"
HEADER = ["external_id", "email", "display_name", "campus", "topics", "languages", "time_zone", "availability", "affiliation"]
GOOD = 1200  # three batches of 500 (the last one short), two in flight


@pytest.fixture
async def profile(endpoints, database_factory):
    async with serving(DEFINITION, endpoints.kafka_bootstrap, await database_factory(DEFINITION)) as served:
        async with httpx.AsyncClient(base_url=served[1]) as client:
            await create_program(
                client,
                PROGRAM,
                eligibility=[{"rule_id": "students", "attribute": "affiliation", "operator": "equals", "value": "student"}],
            )
        yield served


def coordinator_token(campuses: tuple[str, ...] = ("north", "south"), **claims) -> str:
    return local_issuer().token(
        audience="mesh-profile", roles=("coordinator",), institution=INSTITUTION, campuses=campuses, subject="cole", **claims
    )


def person(index: int, **overrides: str) -> list[str]:
    values = {
        "external_id": f"p{index:06d}",
        "email": f"p{index}@uni.example.edu",
        "display_name": f"P {index}",
        "campus": ("north", "south")[index % 2],
        "topics": "Calculus II:mentee",
        "languages": "en",
        "time_zone": "Europe/Berlin",
        "availability": "mon 17:00-19:00",
        "affiliation": "student",
    } | overrides
    return [values[name] for name in HEADER]


def roster_file(folder: Path, name: str = "autumn.csv") -> Path:
    """``GOOD`` good rows with four bad ones among them: two the file gets wrong, two profile refuses."""
    rows = [person(index) for index in range(GOOD)]
    rows.insert(10, person(9001, time_zone=""))  # line 12: the file's error
    rows.insert(600, person(9002, time_zone="Mars/Olympus"))  # line 602: profile's
    rows.insert(700, person(9003, affiliation="staff"))  # line 702: the program's rule
    rows.append(person(5))  # line 1205: an id already on line 7
    path = folder / name
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


async def new_import(pool: asyncpg.Pool, source: Path, folder: Path, *, program_id: str = PROGRAM) -> runner.Upload:
    """The import's record, and its own copy of the file (which the import deletes when it ends)."""
    import_id = uuid.uuid4()
    copy, size = _copied(source, folder / f"{import_id}.upload")
    await records.create(
        pool,
        import_id=import_id,
        institution=INSTITUTION,
        program_id=program_id,
        subject="cole",
        name="Cole",
        file_name=source.name,
        file_format="csv",
        file_bytes=size,
        sha256="x" * 64,
    )
    return runner.Upload(import_id, program_id, copy, "csv", size)


def _copied(source: Path, target: Path) -> tuple[Path, int]:
    shutil.copyfile(source, target)
    return target, os.path.getsize(target)


class Refresher:
    """Stands in for the IdP's token endpoint: a new access token each time, counted."""

    def __init__(self, **claims) -> None:
        self.calls, self.claims = 0, claims

    async def __call__(self, tokens: dict) -> dict:
        self.calls += 1
        return {
            "access_token": coordinator_token(**self.claims),
            "refresh_token": f"refresh-{self.calls}",
            "expires_at": time.time() + 3600,
        }


async def signed_in(sessions: SessionStore, token: str | None = None, expires_in: float = 3600):
    tokens = {"access_token": token or coordinator_token(), "refresh_token": "refresh-0", "expires_at": time.time() + expires_in}
    return await sessions.begin_signed_in(None, {"tokens": tokens}, subject="cole", idp_session=f"idp-{uuid.uuid4()}")


async def stored_participants(app) -> int:
    return await in_tenant(app.state.components.database).fetchval(
        "SELECT count(*) FROM participants WHERE program_id = $1", PROGRAM
    )


async def test_every_good_row_is_taken_once_every_bad_one_kept_by_line_and_the_same_file_again_doubles_nobody(
    profile, pool, store: SessionStore, tmp_path
) -> None:
    app, url = profile
    source = roster_file(tmp_path)
    session = await signed_in(store)
    tokens = runner.session_tokens(store, Refresher(), session)

    first = await new_import(pool, source, tmp_path)
    await runner.run(pool, url, tokens, first)

    done = await _one(pool, first)
    assert (done["status"], done["new"], done["updated"], done["unchanged"], done["rejected"]) == ("done", GOOD, 0, 0, 4)
    assert (done["rows_read"], done["rows_sent"], done["bytes_done"]) == (GOOD + 4, GOOD + 2, first.file_bytes)
    reasons = {
        row["line"]: (row["external_id"], row["reason"]) for row in await records.rejections(pool, first.import_id, 0, 100)
    }
    assert set(reasons) == {12, 602, 702, 1205}
    assert reasons[12] == ("p009001", "time_zone is empty") and "Mars/Olympus" in reasons[602][1]
    assert "affiliation is 'staff'" in reasons[702][1] and reasons[1205] == ("p000005", "external id 'p000005' is also on line 7")
    assert not first.path.exists()  # the import's copy of the file is gone
    assert await stored_participants(app) == GOOD

    again = await new_import(pool, source, tmp_path)  # uploaded again (after an interruption, say)
    await runner.run(pool, url, tokens, again)
    repeated = await _one(pool, again)
    assert (repeated["status"], repeated["new"], repeated["updated"], repeated["unchanged"], repeated["rejected"]) == (
        "done",
        0,
        0,
        GOOD,
        4,
    )
    assert await stored_participants(app) == GOOD  # nobody doubled


async def test_an_import_cut_short_and_uploaded_again_ends_with_everyone_once(profile, pool, store, tmp_path) -> None:
    """The app stops mid-import (its task cancelled, as at shutdown): the import says it was interrupted; the
    same file uploaded again sends every row again, and the rows already in count as unchanged."""
    app, url = profile
    source = roster_file(tmp_path)
    tokens = runner.session_tokens(store, Refresher(), await signed_in(store))
    cut = await new_import(pool, source, tmp_path)
    task = runner.start(pool, url, tokens, cut)
    for _ in range(1000):  # until profile has acknowledged a batch
        if (await _one(pool, cut))["rows_sent"]:
            break
        await asyncio.sleep(0.02)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    interrupted = await _one(pool, cut)
    assert (interrupted["status"], interrupted["reason_kind"]) == ("interrupted", "app_stopped")
    assert 0 < interrupted["new"] < GOOD and not cut.path.exists() and cut.import_id not in runner.running()

    again = await new_import(pool, source, tmp_path)
    await runner.run(pool, url, tokens, again)
    done = await _one(pool, again)
    assert done["status"] == "done" and done["new"] + done["unchanged"] == GOOD and done["rejected"] == 4
    assert done["unchanged"] >= interrupted["new"]  # and those whose answer the cut lost
    assert await stored_participants(app) == GOOD


async def test_a_token_that_ran_out_is_refreshed_once_and_the_import_goes_on(profile, pool, store, tmp_path) -> None:
    _, url = profile
    session = await signed_in(store, expires_in=-60)  # the access token expired before the import began
    refresher = Refresher()
    upload = await new_import(pool, roster_file(tmp_path), tmp_path)

    await runner.run(pool, url, runner.session_tokens(store, refresher, session), upload)

    assert (await _one(pool, upload))["status"] == "done"
    assert refresher.calls == 1  # the stored, refreshed tokens served every later batch
    assert (await store.load(session.cookie)).data["tokens"]["refresh_token"] == "refresh-1"


async def test_signing_out_stops_the_import_and_nothing_more_is_sent_in_that_name(profile, pool, store, tmp_path) -> None:
    app, url = profile
    session = await signed_in(store)
    tokens = runner.session_tokens(store, Refresher(), session)
    asked = 0

    async def signing_out_after_the_first_batch(refused):
        nonlocal asked
        asked += 1
        if asked == 2:  # the second batch asks for a token: the person has signed out meanwhile
            await store.end(session)
        return await tokens(refused)

    upload = await new_import(pool, roster_file(tmp_path), tmp_path)
    await runner.run(pool, url, signing_out_after_the_first_batch, upload)

    stopped = await _one(pool, upload)
    assert (stopped["status"], stopped["reason_kind"]) == ("stopped", "signed_out")
    assert 0 < stopped["rows_sent"] < GOOD  # the first batch, sent before
    assert await stored_participants(app) == stopped["new"] < GOOD
    assert not upload.path.exists()


@pytest.mark.parametrize(
    ("claims", "kind"),
    [
        ({"campuses": ("west",)}, "not_found"),  # not on the program's campuses: profile does not show it
        ({"programs": ["another-program"]}, "forbidden"),  # a coordinator of other programs only
    ],
    ids=["another-campus", "another-program"],
)
async def test_profiles_refusal_of_the_whole_import_is_kept_with_why(profile, pool, store, tmp_path, claims, kind) -> None:
    app, url = profile
    session = await signed_in(store, coordinator_token(**claims))
    upload = await new_import(pool, roster_file(tmp_path), tmp_path)

    await runner.run(pool, url, runner.session_tokens(store, Refresher(**claims), session), upload)

    failed = await _one(pool, upload)
    assert (failed["status"], failed["reason_kind"], failed["new"]) == ("failed", kind, 0)
    assert await stored_participants(app) == 0 and not upload.path.exists()


async def test_an_import_whose_app_stopped_shows_as_interrupted_and_only_to_its_institution_and_program(pool, tmp_path) -> None:
    source = tmp_path / "a.csv"
    source.write_text(",".join(HEADER) + "\n")
    upload = await new_import(pool, source, tmp_path)
    assert (await _one(pool, upload))["status"] == "running"
    await pool.execute(
        "UPDATE roster_imports SET heartbeat_at = now() - $2::interval WHERE import_id = $1",
        upload.import_id,
        timedelta(seconds=records.STALE_SECONDS + 1),
    )
    assert (await _one(pool, upload))["status"] == "interrupted"
    assert [item["status"] for item in await records.recent(pool, INSTITUTION, PROGRAM)] == ["interrupted"]

    assert await records.one(pool, "another-university", PROGRAM, upload.import_id) is None
    assert await records.one(pool, INSTITUTION, "another-program", upload.import_id) is None
    assert await records.recent(pool, "another-university", PROGRAM) == []


async def _one(pool: asyncpg.Pool, upload: runner.Upload) -> dict:
    found = await records.one(pool, INSTITUTION, upload.program_id, upload.import_id)
    assert found is not None
    return found
