"""A term-start roster of 100,000 people imported through ``mesh-roster``'s own code and profile's bulk
endpoint (profile running as its own process on the run's PostgreSQL and Kafka), next to raw asyncpg
COPY of the same rows into a table shaped like profile's participants, in the same run.

Prints readable lines and one JSON line. Usage: python -m benchmarks.roster_import [rows]
"""

import asyncio
import csv
import json
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import httpx

from benchmarks.platform import ensure_program, platform, until
from mesh_local.cohort import TOPICS
from mesh_roster.importer import Progress, file_digest, send_rows
from mesh_roster.reading import read_roster
from tests.support import infrastructure
from tests.support.identity import INSTITUTION, bearer, local_issuer

PROGRAM = "bench-roster"
TARGET = 0.25
COLUMNS = (
    "external_id",
    "email",
    "display_name",
    "campus",
    "topics",
    "languages",
    "time_zone",
    "availability",
    "affiliation",
    "year_of_study",
    "goals",
    "interests",
)


def write_roster(path: Path, size: int) -> None:
    """Every row a different person: two campuses, every topic, one in five a mentor."""
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(COLUMNS)
        for index in range(size):
            role = "mentor" if index % 5 == 0 else "mentee"
            writer.writerow(
                [
                    f"S{index:07d}",
                    f"s{index}@northbridge.example.edu",
                    f"Student {index}",
                    ("north", "south")[index % 2],
                    f"{TOPICS[index % len(TOPICS)]}:{role}",
                    "en; de",
                    ("Europe/Berlin", "Europe/London", "America/New_York")[index % 3],
                    f"{('mon', 'tue', 'wed', 'thu', 'fri')[index % 5]} 17:00-19:00; sat 10:00-12:00",
                    "student",
                    1 + index % 4,
                    f"goal {index % 97}",
                    f"interest {index % 31}",
                ]
            )


async def timed_import(url: str, path: Path, state: Path) -> tuple[float, Progress]:
    """What ``mesh-roster import`` does, timed from reading the file to the last batch committed."""
    token = local_issuer().token(audience="mesh-profile", roles=("admin",), campuses=("north", "south"), lifetime=3600)
    started = time.perf_counter()
    rows, errors = read_roster(path)
    assert not errors, errors[:3]
    async with httpx.AsyncClient(base_url=url, headers=bearer(token), timeout=300) as client:
        progress = await send_rows(client, PROGRAM, rows, Progress(file_digest(path), PROGRAM), state, batch_size=1000)
    return time.perf_counter() - started, progress


async def raw_copy(running, path: Path) -> float:
    """The floor: the same people, as the rows profile stores, COPYed into a table shaped like its participants."""
    rows, _ = read_roster(path)
    now = datetime.now(UTC)
    records = [
        (
            uuid.uuid4(),
            PROGRAM,
            str(row.profile["email"]).lower(),
            json.dumps({"program_id": PROGRAM, "program_setting": "academic", **row.profile}),
            now,
            INSTITUTION,
            row.profile["campus"],
            row.external_id,
        )
        for row in rows
    ]
    # As the database's owner: profile's own role may not create tables (it owns nothing).
    connection = await asyncpg.connect(running.config.database_migration_url("profile"))
    try:
        await connection.execute("CREATE TABLE copy_baseline (LIKE participants INCLUDING ALL)")
        started = time.perf_counter()
        await connection.copy_records_to_table(
            "copy_baseline",
            records=records,
            columns=["participant_id", "program_id", "email_key", "profile", "joined_at", "institution", "campus", "external_id"],
        )
        seconds = time.perf_counter() - started
        await connection.execute("DROP TABLE copy_baseline")
    finally:
        await connection.close()
    return seconds


async def measure(endpoints, size: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-roster-") as folder:
        path = Path(folder) / "roster.csv"
        write_roster(path, size)
        async with platform(endpoints, only=("profile",)) as running, httpx.AsyncClient(timeout=60) as http:
            await ensure_program(http, running, PROGRAM)
            copy_seconds = await raw_copy(running, path)
            import_seconds, first = await timed_import(running.url("profile"), path, Path(folder) / "state.json")
            relay_started = time.monotonic()
            relay_seconds = await until(lambda: _relayed(running)) - relay_started
            again_seconds, again = await timed_import(running.url("profile"), path, Path(folder) / "again.json")
            async with running.database("profile") as connection:
                stored = await connection.fetchval("SELECT count(*) FROM participants WHERE program_id = $1", PROGRAM)
                joined = await connection.fetchval("SELECT count(*) FROM mesh_outbox WHERE event_type LIKE '%ParticipantJoined%'")
    rates = {"import": size / import_seconds, "copy": size / copy_seconds, "again": size / again_seconds}
    ratio = rates["import"] / rates["copy"]
    print(
        f"roster import of {size:,} rows: {import_seconds:.1f} s, {rates['import']:,.0f} rows/s "
        f"(new {first.counts['new']:,}, rejected {first.counts['rejected']:,}); stored {stored:,}, "
        f"ParticipantJoined {joined:,}; outbox on Kafka {relay_seconds:.1f} s after the last batch"
    )
    print(f"raw asyncpg COPY of the same rows: {copy_seconds:.2f} s, {rates['copy']:,.0f} rows/s")
    print(f"import / COPY = {ratio:.1%} (target at least {TARGET:.0%}: {'met' if ratio >= TARGET else 'MISSED'})")
    print(
        f"the same file again (every row unchanged): {again_seconds:.1f} s, {rates['again']:,.0f} rows/s, "
        f"unchanged {again.counts['unchanged']:,}"
    )
    print(
        json.dumps(
            {
                "benchmark": "roster_import",
                "rows": size,
                "import_rows_per_s": round(rates["import"]),
                "copy_rows_per_s": round(rates["copy"]),
                "ratio": round(ratio, 4),
                "target": TARGET,
                "again_rows_per_s": round(rates["again"]),
                "relay_seconds": round(relay_seconds, 2),
                "stored": stored,
                "participant_joined": joined,
            }
        )
    )


async def _relayed(running) -> bool:
    return not await running.outbox_pending("profile")


def main(size: int) -> None:
    with infrastructure.provide() as endpoints:  # before the event loop: it provisions with its own
        asyncio.run(measure(endpoints, size))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
