"""A batch's events handled as runs (one set-based handler call per run) end exactly as the same events
handled one by one, in order: the same rows and the same events emitted, in every service whose hot
handlers take runs. Two databases of the service at the same fixed time: one given the events as one
batch by the runtime's own consumer, the other one event per batch; then their tables are compared.

The events mix kinds, so a batch is cut into several runs and a handler of single events sits
between them; each batch holds a record twice (the inbox applies it once) and an event whose content
comes again under a new id (the handler applies it once)."""

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from structlog.testing import capture_logs

from mentoring_contracts import (
    Event,
    MatchAcceptedV1,
    ParticipantJoinedV1,
    ParticipantLeft,
    ParticipantProfileUpdatedV1,
    SessionCancelled,
    SessionRescheduled,
    SessionScheduled,
)
from mentoring_contracts.events.matches import ParticipantScheduleV1
from mesh_matching.bootstrap import DEFINITION as MATCHING
from mesh_notify.bootstrap import DEFINITION as NOTIFY
from mesh_runtime.app import ServiceDefinition
from mesh_runtime.consumer import Outcome
from mesh_scheduling.bootstrap import DEFINITION as SCHEDULING
from tests.support.events import as_record, deliver_records
from tests.support.factories import mentor_profile, profile
from tests.support.fakes.clock import FixedClock
from tests.support.identity import INSTITUTION
from tests.support.services import running

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)  # a Monday


@dataclass(frozen=True)
class Case:
    definition: ServiceDefinition
    events: Callable[[], list[Event]]
    tables: dict[str, str]  # what to compare: a query per table, ids that differ between runs left out


def _joins() -> list[Event]:
    """Mentors and mentees of one program joining, one of them leaving half-way, one join heard twice."""
    people = [mentor_profile(mentor_capacity=2) if n % 4 == 0 else profile() for n in range(14)]
    people_ids = [uuid.uuid4() for _ in people]
    joins: list[Event] = [
        ParticipantJoinedV1(participant_id=pid, profile=person, joined_at=NOW - timedelta(minutes=30 - n))
        for n, (pid, person) in enumerate(zip(people_ids, people, strict=True))
    ]
    left = ParticipantLeft(participant_id=people_ids[0], program_id=people[0].program_id, left_at=NOW)
    return [*joins[:7], left, *joins[7:], joins[9]]


def _schedule(participant_id: uuid.UUID, zone: str) -> ParticipantScheduleV1:
    return ParticipantScheduleV1.model_validate(
        {
            "participant_id": participant_id,
            "role": "peer",
            "campus": "north",
            "time_zone": zone,
            "weekly_availability": [{"weekday": d, "start": "17:00", "end": "20:00"} for d in ("mon", "tue", "wed")],
            "meeting_modes": ["online"],
            "preferred_cadence": "weekly",
            "subject": f"account-{participant_id}",
        }
    )


def _acceptances() -> list[Event]:
    """Pairs formed, one of them twice (a redelivery), one whose hours never meet."""
    accepted: list[Event] = []
    for n in range(10):
        zones = ("Europe/Berlin", "Pacific/Auckland" if n == 3 else "Europe/London")
        accepted.append(
            MatchAcceptedV1(
                match_id=uuid.uuid4(),
                program_id="first-year-stem",
                topic_name="Calculus II",
                kind="peer",
                participants=[_schedule(uuid.uuid4(), zone) for zone in zones],
                accepted_at=NOW,
            )
        )
    return [*accepted, accepted[4]]


def _news() -> list[Event]:
    """People joining (their contacts), then their sessions scheduled, moved and cancelled, and an
    address changed, all in one batch: later events read what earlier ones recorded."""
    people = [uuid.uuid4() for _ in range(6)]
    joins: list[Event] = [
        ParticipantJoinedV1(participant_id=pid, profile=profile(email=f"p{n}@uni.example.edu"), joined_at=NOW)
        for n, pid in enumerate(people)
    ]
    sessions: list[Event] = []
    for n in range(3):
        pair, session_id, starts = people[2 * n : 2 * n + 2], uuid.uuid4(), NOW + timedelta(days=1 + n, hours=8)
        common = {"session_id": session_id, "match_id": uuid.uuid4(), "program_id": "first-year-stem", "participant_ids": pair}
        sessions.append(
            SessionScheduled(
                **common,
                sequence=1,
                starts_at=starts,
                ends_at=starts + timedelta(hours=1),
                meeting_mode="online",
                cadence="weekly",
            )
        )
        moved = starts + timedelta(days=2)
        sessions.append(
            SessionRescheduled(
                **common,
                starts_at=moved,
                ends_at=moved + timedelta(hours=1),
                previous_starts_at=starts,
                revision=1,
                meeting_mode="online",
            )
        )
        if n == 1:
            sessions.append(
                SessionCancelled(**common, starts_at=moved, ends_at=moved + timedelta(hours=1), cancelled_at=NOW, revision=2)
            )
    moved_address = ParticipantProfileUpdatedV1(
        participant_id=people[0], profile=profile(email="new@uni.example.edu"), updated_at=NOW
    )
    return [*joins, *sessions[:3], moved_address, *sessions[3:], joins[2]]


CASES = {
    "matching": Case(
        MATCHING,
        _joins,
        {
            "candidates": "SELECT participant_id, used, capacity, active, state, slots FROM candidates ORDER BY joined_seq",
            "matches": "SELECT participant_a, participant_b, role_a, role_b, topic, kind, score, status, reasons, "
            "participant_reasons, campuses FROM matches ORDER BY proposed_at, participant_a, participant_b",
            "excluded_pairs": "SELECT participant_low, participant_high FROM excluded_pairs ORDER BY 1, 2",
            "outbox": "SELECT event_type FROM mesh_outbox ORDER BY id",
        },
    ),
    "scheduling": Case(
        SCHEDULING,
        _acceptances,
        {
            "pairs": "SELECT match_id, members, series_start, unschedulable_reason FROM pairs ORDER BY match_id",
            "sessions": "SELECT match_id, participant_ids, sequence, starts_at, ends_at, status, occurrence, campuses "
            "FROM sessions ORDER BY match_id, sequence",
            "outbox": "SELECT event_type FROM mesh_outbox ORDER BY id",
        },
    ),
    "notify": Case(
        NOTIFY,
        _news,
        {
            "contacts": "SELECT participant_id, display_name, email, time_zone, subject, campus FROM contacts ORDER BY 1",
            "notifications": "SELECT recipient_id, template, context, status, next_attempt_at, campus, session_id, "
            "session_revision, last_error FROM notifications ORDER BY recipient_id, template, session_revision, next_attempt_at",
            "session_revisions": "SELECT * FROM session_revisions ORDER BY 1",
        },
    ),
}


@asynccontextmanager
async def _service(case: Case, endpoints, database_factory) -> AsyncIterator[FastAPI]:
    quiet = {"timed_work_interval_seconds": 3600} | (
        {"delivery_poll_interval_seconds": 3600} if case.definition is NOTIFY else {}
    )
    # No sweep or delivery after the first (at start, on an empty database): the tables hold only what the events did.
    async with running(case.definition, endpoints.kafka_bootstrap, await database_factory(case.definition), **quiet) as (app, _):
        app.state.components.clock = FixedClock(NOW)
        yield app


async def _tables(app: FastAPI, case: Case) -> dict[str, list[dict]]:
    async with app.state.components.database.transaction(INSTITUTION) as transaction:
        return {name: [dict(row) for row in await transaction.connection.fetch(query)] for name, query in case.tables.items()}


@pytest.mark.parametrize("service", sorted(CASES))
async def test_a_batch_cut_into_runs_ends_as_its_events_one_by_one(service, endpoints, database_factory) -> None:
    case = CASES[service]
    records = [as_record(event) for event in case.events()]
    records.insert(len(records) // 2, records[1])  # a redelivery in the middle of the batch
    async with _service(case, endpoints, database_factory) as at_once, _service(case, endpoints, database_factory) as one_by_one:
        with capture_logs() as logs:
            outcomes = await deliver_records(at_once, records)
        for record in records:
            await deliver_records(one_by_one, [record])
        together, alone = await _tables(at_once, case), await _tables(one_by_one, case)
    assert outcomes.count(Outcome.DUPLICATE) == 1 and Outcome.DEAD_LETTERED not in outcomes
    assert not [log for log in logs if log["event"].startswith("a handler failed")], "the runs failed: replayed one by one"
    assert all(together.values()), f"a table stayed empty: the case tests nothing there ({together})"
    for name in together:
        differing = [(a, b) for a, b in zip(together[name], alone[name], strict=False) if a != b]
        assert together[name] == alone[name], "\n".join(f"{a}\n{b}\n" for a, b in differing[:2])
