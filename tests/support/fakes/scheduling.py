"""Scheduling's unit of work in memory: each store a dict that behaves as its PostgreSQL store does
(what it locks aside), the events it emitted in a list, and a clock the test sets. Use cases and
event handlers run on it in milliseconds."""

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from uuid import UUID

from mentoring_contracts import Event, MatchAccepted
from mesh_runtime.db import Cause
from mesh_scheduling.domain.agreement import Agreement, AgreementStatus, Goal
from mesh_scheduling.domain.pair import AgreedTerms, Pair
from mesh_scheduling.domain.session import Session, SessionStatus
from tests.support.fakes.clock import FixedClock
from tests.support.fakes.erasures import FakeErasures
from tests.support.identity import INSTITUTION

ERASED = "(erased)"


class FakePairs:
    def __init__(self) -> None:
        self.by_match: dict[UUID, Pair] = {}
        self.unschedulable: dict[UUID, str] = {}  # match -> the reason a coordinator is shown

    async def add(self, pair: Pair) -> bool:
        if pair.match_id in self.by_match:
            return False
        self.by_match[pair.match_id] = pair
        return True

    async def add_many(self, pairs: Sequence[Pair]) -> set[UUID]:
        return {pair.match_id for pair in pairs if await self.add(pair)}

    async def start_series_many(self, starts: Sequence[tuple[UUID, datetime]]) -> None:
        for match_id, first_start in starts:
            await self.start_series(match_id, first_start)

    async def get(self, match_id: UUID) -> Pair | None:
        return self.by_match.get(match_id)

    async def mark_unschedulable(self, match_id: UUID, reason: str) -> None:
        self.unschedulable[match_id] = reason

    async def mark_ended(self, match_id: UUID, when: datetime) -> None:
        self._update(match_id, ended_at=when)

    async def start_series(self, match_id: UUID, first_start: datetime) -> None:
        self._update(match_id, series_start=first_start)

    async def agree(self, match_id: UUID, terms: AgreedTerms, series_start: datetime | None) -> None:
        pair = self.by_match[match_id]
        self._update(match_id, agreed=terms, series_start=series_start or pair.series_start)

    async def forget_account(self, participant_id: UUID) -> int:
        forgotten = 0
        for pair in list(self.by_match.values()):
            if participant_id in pair.participant_ids:
                subjects = tuple(
                    None if member == participant_id else s for member, s in zip(pair.participant_ids, pair.subjects, strict=True)
                )
                self._update(pair.match_id, subjects=subjects)
                forgotten += 1
        return forgotten

    def _update(self, match_id: UUID, **changes: object) -> None:
        if match_id in self.by_match:
            self.by_match[match_id] = replace(self.by_match[match_id], **changes)  # type: ignore[arg-type]  # test double


class FakeSessions:
    def __init__(self) -> None:
        self.by_id: dict[UUID, Session] = {}

    def of_match(self, match_id: UUID) -> list[Session]:
        """A pair's sessions in order (for assertions)."""
        return sorted((s for s in self.by_id.values() if s.match_id == match_id), key=lambda s: s.sequence)

    async def add(self, session: Session) -> None:
        self.by_id[session.session_id] = session

    async def add_many(self, sessions: Sequence[Session]) -> None:
        for session in sessions:
            await self.add(session)

    async def get_for_update(self, session_id: UUID) -> Session | None:
        return self.by_id.get(session_id)

    async def save(self, session: Session) -> None:
        self.by_id[session.session_id] = session

    async def redact_reflections(self, participant_id: UUID) -> int:
        held = [s for s in self.by_id.values() if any(r.participant_id == participant_id for r in s.reflections)]
        for session in held:
            words = tuple(
                r.model_copy(update={"notes": ERASED}) if r.participant_id == participant_id else r for r in session.reflections
            )
            self.by_id[session.session_id] = replace(session, reflections=words)
        return len(held)

    async def upcoming_for_update(self, match_id: UUID, now: datetime) -> list[Session]:
        return [s for s in self.of_match(match_id) if s.status is SessionStatus.SCHEDULED and s.ends_at > now]

    async def unrecorded_before(self, moment: datetime, limit: int) -> list[Session]:
        due = [s for s in self.by_id.values() if s.status is SessionStatus.SCHEDULED and s.ends_at < moment]
        return sorted(due, key=lambda s: s.ends_at)[:limit]

    async def latest(self, match_id: UUID) -> Session | None:
        sessions = self.of_match(match_id)
        return sessions[-1] if sessions else None

    async def forget_cancel_reasons(self, participant_id: UUID) -> int:
        given = [s for s in self.by_id.values() if s.cancelled_by == participant_id and s.cancel_reason is not None]
        for session in given:
            self.by_id[session.session_id] = replace(session, cancel_reason=ERASED)
        return len(given)


class FakeAgreements:
    def __init__(self, pairs: FakePairs) -> None:
        self._pairs = pairs
        self.versions: dict[tuple[UUID, int], Agreement] = {}
        self.progress: dict[tuple[UUID, UUID, int], tuple[int, int, datetime]] = {}  # (session, who, goal) -> (version, %, at)

    async def latest_for_update(self, match_id: UUID) -> Agreement | None:
        history = await self.history(match_id)
        return history[-1] if history else None

    async def history(self, match_id: UUID) -> list[Agreement]:
        return sorted((a for (m, _), a in self.versions.items() if m == match_id), key=lambda a: a.version)

    async def add(self, agreement: Agreement) -> None:
        self._supersede(agreement.match_id, AgreementStatus.PROPOSED)
        self.versions[(agreement.match_id, agreement.version)] = agreement

    async def confirm(self, agreement: Agreement) -> None:
        self._supersede(agreement.match_id, AgreementStatus.CONFIRMED)
        self.versions[(agreement.match_id, agreement.version)] = agreement

    async def record_progress(
        self, session_id: UUID, participant_id: UUID, version: int, progress: dict[int, int], at: datetime
    ) -> None:
        for goal, percent in progress.items():  # recorded again: only the percent changes
            held_version, _, held_at = self.progress.get((session_id, participant_id, goal), (version, percent, at))
            self.progress[(session_id, participant_id, goal)] = (held_version, percent, held_at)

    async def redact_terms(self, participant_id: UUID) -> int:
        theirs = {pair.match_id for pair in self._pairs.by_match.values() if participant_id in pair.participant_ids}
        redacted = 0
        for key, agreement in list(self.versions.items()):
            terms = agreement.terms
            if key[0] in theirs and terms.goals[0].description != ERASED:
                goals = tuple(Goal(ERASED, goal.target_date) for goal in terms.goals)
                self.versions[key] = replace(agreement, terms=replace(terms, goals=goals, expectations=()))
                redacted += 1
        return redacted

    def _supersede(self, match_id: UUID, status: AgreementStatus) -> None:
        for key, agreement in list(self.versions.items()):
            if key[0] == match_id and agreement.status is status:
                self.versions[key] = replace(agreement, status=AgreementStatus.SUPERSEDED)


class FakeCalendarFeeds:
    def __init__(self) -> None:
        self.tokens: dict[UUID, tuple[str, datetime]] = {}

    async def replace(self, participant_id: UUID, token: str, at: datetime) -> None:
        self.tokens[participant_id] = (token, at)

    async def revoke(self, participant_id: UUID) -> bool:
        return self.tokens.pop(participant_id, None) is not None

    async def owner(self, token: str) -> UUID | None:
        return next((owner for owner, (held, _) in self.tokens.items() if held == token), None)


class FakeProfiles:
    """Profile's contact view: the account of each participant it knows (none once erased)."""

    def __init__(self) -> None:
        self.subjects: dict[UUID, str | None] = {}

    async def subjects_of(self, accepted: MatchAccepted) -> tuple[str | None, str | None]:
        first, second = (self.subjects.get(member.participant_id) for member in accepted.participants)
        return first, second


class FakeSchedulingUnitOfWork:
    """``emitted``: every event emitted, in order; ``published``: those the relay sent and the outbox
    still keeps (``publish_all`` sends what was emitted so far)."""

    def __init__(self, clock: FixedClock | None = None) -> None:
        self.clock = clock or FixedClock()
        self.cause = Cause(institution=INSTITUTION)
        self.pairs = FakePairs()
        self.sessions = FakeSessions()
        self.agreements = FakeAgreements(self.pairs)
        self.calendar_feeds = FakeCalendarFeeds()
        self.erasures = FakeErasures()
        self.profiles = FakeProfiles()
        self.emitted: list[Event] = []
        self.published: list[Event] = []

    async def emit(self, event: Event) -> Event:
        self.emitted.append(event)
        return event

    async def emit_caused(self, events: Sequence[tuple[Event, Cause]]) -> None:
        self.emitted.extend(event for event, _ in events)

    def publish_all(self) -> None:
        self.published = list(self.emitted)

    async def purge_published_mentions(self, participant_id: UUID) -> int:
        kept = [event for event in self.published if str(participant_id) not in event.model_dump_json()]
        purged = len(self.published) - len(kept)
        self.published = kept
        return purged

    def emitted_types(self) -> list[str]:
        return [type(event).__name__ for event in self.emitted]
