"""Every worker sweep passes the same cases (``cases/sweeps.py``): each class here names its service's
worker and only says how due work is put in (events handed to the service, or its HTTP API) and how
done work is counted. And no periodic worker of any service is left without them."""

import contextlib
import dataclasses
import uuid
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from mentoring_contracts import MatchAcceptedV1, ParticipantJoinedV1, ParticipantScheduleV1, ProgramCreated
from mesh_matching.bootstrap import DEFINITION as MATCHING
from mesh_notify.bootstrap import DEFINITION as NOTIFY
from mesh_runtime.registry import service_definitions
from mesh_runtime.workers import PeriodicWorker
from mesh_scheduling.bootstrap import DEFINITION as SCHEDULING
from tests.integration.matching.support import definition as program_definition
from tests.integration.notify.conftest import Inbox, serving
from tests.integration.services.cases.sweeps import SweepCases, Sweeping
from tests.support.events import deliver
from tests.support.factories import mentor_profile, profile
from tests.support.identity import as_
from tests.support.pairs import WEEKDAYS
from tests.support.services import in_tenant, running

BERLIN = ZoneInfo("Europe/Berlin")
# Periodic workers that sweep no institution's data, so the cases do not apply.
NOT_TENANT_SWEEPS = {"decoded-profiles-sweep": "ages what one replica keeps in memory"}


async def scalar(sweeping: Sweeping, institution: str, query: str, *arguments: object) -> object:
    """One value, read in ``institution``'s tenant."""
    return await in_tenant(sweeping.app.state.components.database, institution).fetchval(query, *arguments)


async def join_pair(sweeping: Sweeping, institution: str, program: str) -> set[str]:
    """A mentor and a mentee joining one program: matching proposes them to each other."""
    ids = set()
    for given in (mentor_profile(program_id=program), profile(program_id=program)):
        participant = uuid.uuid4()
        joined = ParticipantJoinedV1(participant_id=participant, profile=given, joined_at=datetime.now(UTC))
        await deliver(sweeping.app, joined, institution=institution)
        ids.add(str(participant))
    return ids


class TestMissedSessions(SweepCases):
    definition = SCHEDULING
    worker_name = "missed-sessions"
    # The first session is at least a day ahead, on a weekday evening: over within four days, missed
    # two days later; the next is a week after it, not yet due.
    due_after = timedelta(days=6, hours=12)

    async def seed(self, sweeping: Sweeping, institution: str) -> set[str]:
        def member() -> ParticipantScheduleV1:
            return ParticipantScheduleV1.model_validate(
                {
                    "participant_id": uuid.uuid4(),
                    "subject": f"sub-{uuid.uuid4()}",
                    "role": "peer",
                    "campus": "north",
                    "time_zone": "Europe/Berlin",
                    "weekly_availability": [{"weekday": day, "start": "17:00", "end": "20:00"} for day in WEEKDAYS],
                    "meeting_modes": ["online"],
                    "preferred_cadence": "weekly",
                }
            )

        accepted = MatchAcceptedV1(
            match_id=uuid.uuid4(),
            program_id="p",
            topic_name="Calculus II",
            kind="peer",
            participants=[member(), member()],
            accepted_at=datetime.now(UTC),
        )
        await deliver(sweeping.app, accepted, institution=institution)
        return {str(accepted.match_id)}

    async def handled(self, sweeping: Sweeping, institution: str) -> int:
        return await scalar(sweeping, institution, "SELECT count(*) FROM sessions WHERE status = 'missed'")


class TestLapsedProposals(SweepCases):
    definition = MATCHING
    worker_name = "proposal-expiry"
    due_after = timedelta(days=8)  # a proposal lasts a week

    async def seed(self, sweeping: Sweeping, institution: str) -> set[str]:
        return await join_pair(sweeping, institution, f"program-{uuid.uuid4().hex[:8]}")

    async def handled(self, sweeping: Sweeping, institution: str) -> int:
        return await scalar(sweeping, institution, "SELECT count(*) FROM matches WHERE status = 'expired'")


class TestDormantPairs(SweepCases):
    definition = MATCHING
    worker_name = "dormant-pairs"
    due_after = timedelta(days=11)  # the program's pairs are dormant after ten quiet days

    async def seed(self, sweeping: Sweeping, institution: str) -> set[str]:
        program = f"program-{uuid.uuid4().hex[:8]}"
        rule = program_definition(dormant_after_days=10, dormant_grace_days=5)
        await deliver(
            sweeping.app,
            ProgramCreated(program_id=program, definition=rule, created_at=datetime.now(UTC)),
            institution=institution,
        )
        ids = await join_pair(sweeping, institution, program)
        match_id = await scalar(sweeping, institution, "SELECT match_id FROM matches WHERE program_id = $1", program)
        admin = as_("matching", "admin", institution=institution)
        for participant in ids:
            answer = await sweeping.client.post(
                f"/matches/{match_id}/accept", json={"participant_id": participant}, headers=admin
            )
            assert answer.status_code == 200, answer.text
        return ids | {str(match_id)}

    async def handled(self, sweeping: Sweeping, institution: str) -> int:
        return await scalar(sweeping, institution, "SELECT count(*) FROM matches WHERE stalled_at IS NOT NULL")


class MailCases(SweepCases):
    """Notify's sweeps send mail: a real SMTP server runs beside the service."""

    definition = NOTIFY

    @contextlib.contextmanager
    def alongside(self):
        with serving(Inbox()) as controller:
            yield {"smtp_host": "127.0.0.1", "smtp_port": controller.port}


class TestMailDelivery(MailCases):
    worker_name = "notification-delivery"
    due_after = timedelta()  # a welcome is sent at once

    async def seed(self, sweeping: Sweeping, institution: str) -> set[str]:
        participant = uuid.uuid4()
        joined = ParticipantJoinedV1(participant_id=participant, profile=profile(), joined_at=datetime.now(UTC))
        await deliver(sweeping.app, joined, institution=institution)
        return {str(participant)}

    async def handled(self, sweeping: Sweeping, institution: str) -> int:
        return await scalar(sweeping, institution, "SELECT count(*) FROM notifications WHERE status = 'sent'")


class TestCoordinatorDigests(MailCases):
    worker_name = "coordinator-digests"
    due_after = timedelta(hours=1, minutes=5)  # asked for at 08:00 local, the clock at 07:00
    # Each subscription is due at its own local hour, known only once read: every institution with
    # one is looked into at each pass (and expired ones are dropped there).
    looks_into_pending_work = True

    async def prepare(self, sweeping: Sweeping) -> None:
        tomorrow = (datetime.now(BERLIN) + timedelta(days=1)).date()
        sweeping.advance(datetime.combine(tomorrow, time(7), tzinfo=BERLIN) - datetime.now(UTC))

    async def seed(self, sweeping: Sweeping, institution: str) -> set[str]:
        email = f"cole.{uuid.uuid4().hex[:8]}@uni.example.edu"
        coordinator = as_("notify", "coordinator", institution=institution, campuses=("north",), email=email)
        asked = await sweeping.client.put(
            "/coordinators/me/digest", json={"hour": 8, "time_zone": "Europe/Berlin"}, headers=coordinator
        )
        assert asked.status_code == 200, asked.text
        return {email}

    async def handled(self, sweeping: Sweeping, institution: str) -> int:
        return await scalar(sweeping, institution, "SELECT count(*) FROM coordinator_digests WHERE last_sent_on IS NOT NULL")


SWEEP_CASES = [TestMissedSessions, TestLapsedProposals, TestDormantPairs, TestMailDelivery, TestCoordinatorDigests]


@pytest.mark.parametrize("definition", service_definitions(), ids=lambda d: d.name)
async def test_every_periodic_worker_of_every_service_has_its_sweep_cases(definition, endpoints, database_factory) -> None:
    quiet = dataclasses.replace(definition, workers=lambda _: [])
    async with running(quiet, endpoints.kafka_bootstrap, await database_factory(definition)) as (app, _):
        periodic = {w.name for w in definition.workers(app.state.components) if isinstance(w, PeriodicWorker)}
    covered = {cases.worker_name for cases in SWEEP_CASES if cases.definition.name == definition.name}
    assert periodic - NOT_TENANT_SWEEPS.keys() == covered
