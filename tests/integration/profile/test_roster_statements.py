"""A roster batch is written set-based: one statement per kind of row, whatever the batch's size (its
rows COPYed into a staging table, then one INSERT ... SELECT and one UPDATE ... FROM), with every
column as a participant written alone has it, and row-level security still checking each row."""

import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest

from mentoring_contracts import ParticipantProfile
from mesh_profile.adapters.postgres import PostgresProfileUnitOfWork
from mesh_profile.application.import_roster import RosterRow, import_roster
from mesh_profile.domain.participant import join
from mesh_runtime.db import Cause
from tests.support.factories import profile
from tests.support.identity import INSTITUTION
from tests.support.programs import create_program, roster_row


class Counted:
    """A connection that records each statement it is asked to run (a COPY as ``COPY <table>``)."""

    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection, self.statements = connection, []

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._connection, name)
        if name not in ("execute", "executemany", "fetch", "fetchrow", "fetchval", "copy_records_to_table"):
            return method

        async def counted(*args: Any, **kwargs: Any) -> Any:
            self.statements.append(
                f"COPY {args[0]}" if name == "copy_records_to_table" else f"{name}: {' '.join(args[0].split())}"
            )
            return await method(*args, **kwargs)

        return counted


async def imported(app, rows: list[dict]) -> tuple[dict[str, int], list[str]]:
    """The batch through the use case on the service's database: its outcomes counted, and the
    statements its participants' store ran."""
    async with app.state.components.database.transaction(INSTITUTION) as transaction:
        uow = PostgresProfileUnitOfWork(transaction, "/test", Cause(institution=INSTITUTION))
        counted = Counted(uow.participants._connection)
        uow.participants._connection = counted  # type: ignore[assignment]
        results = await import_roster(
            uow, "first-years", [RosterRow(**row) for row in rows], institution=INSTITUTION, may_place=lambda _: True
        )
    outcomes: dict[str, int] = {}
    for result in results:
        outcomes[result.outcome] = outcomes.get(result.outcome, 0) + 1
    return outcomes, counted.statements


def kinds(statements: list[str]) -> list[str]:
    return [" ".join(statement.split()[:3]) for statement in statements]


async def test_a_batch_is_written_with_one_statement_per_kind_of_row_whatever_its_size(profile_service) -> None:
    app, client = profile_service
    await create_program(client, "first-years")
    rows = [
        roster_row(
            line,
            f"s{line}",
            **({"topics": [{"topic": "Calculus II", "role": "mentor"}], "mentor_capacity": 2} if line % 5 == 0 else {}),
        )
        for line in range(2, 42)
    ]
    first, statements = await imported(app, rows)
    assert first == {"new": 40}
    assert kinds(statements) == ["fetch: SELECT *", "execute: CREATE TEMP", "COPY staged_joins", "execute: INSERT INTO"]

    changed = [roster_row(row["line"], row["external_id"], goals=["a new goal"]) if row["line"] < 12 else row for row in rows]
    more = [roster_row(line, f"s{line}") for line in range(42, 47)]
    again, statements = await imported(app, changed + more)
    assert again == {"updated": 10, "unchanged": 30, "new": 5}
    assert kinds(statements) == [
        "fetch: SELECT *",
        "execute: CREATE TEMP",
        "COPY staged_joins",
        "execute: INSERT INTO",
        "execute: CREATE TEMP",
        "COPY staged_changes",
        "execute: UPDATE participants",
    ]
    assert not any(statement.startswith("executemany") for statement in statements)

    # Stored as a participant written alone would be: read back, each is what the batch made.
    async with app.state.components.database.transaction(INSTITUTION) as transaction:
        uow = PostgresProfileUnitOfWork(transaction, "/test", Cause(institution=INSTITUTION))
        stored = {
            p.external_id: p
            for p in [s.participant for s in await uow.participants.named_by("first-years", [f"s{n}" for n in range(2, 47)], [])]
        }
    assert len(stored) == 45
    given = more[-1]["profile"] | {"program_id": "first-years", "program_setting": "academic"}
    assert stored["s46"].profile == ParticipantProfile.model_validate(given) and stored["s46"].external_id == "s46"
    assert stored["s2"].profile.goals == ["a new goal"] and stored["s13"].profile.goals != ["a new goal"]
    assert all(p.institution == INSTITUTION and p.subject is None and not p.mentoring_pending for p in stored.values())
    assert {n for n in range(2, 47) if stored[f"s{n}"].mentoring_approved_at is not None} == {
        n for n in range(2, 42) if n % 5 == 0
    }
    third, statements = await imported(app, changed + more)  # the same batch again: nothing written
    assert third == {"unchanged": 45}
    assert kinds(statements) == ["fetch: SELECT *"]


async def test_row_level_security_checks_every_row_a_batch_moves_from_its_staging_table(profile_service) -> None:
    app, _ = profile_service
    now = datetime.now(UTC)
    theirs = [
        join(uuid.uuid4(), profile(email=f"o{n}@other.example.edu"), now, institution="other-college", subject=None)[0]
        for n in range(3)
    ]
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="row-level security"):
        async with app.state.components.database.transaction(INSTITUTION) as transaction:
            uow = PostgresProfileUnitOfWork(transaction, "/test", Cause(institution=INSTITUTION))
            await uow.participants.add_many(theirs)
