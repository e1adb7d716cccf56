"""Use cases: either of a formed pair proposes an agreement; the other confirms it, and from then
the pair's sessions follow its cadence, mode and length."""

from dataclasses import replace
from datetime import datetime
from uuid import UUID

from mentoring_contracts import AgreementProposed, AgreementSet
from mesh_scheduling.application.errors import PairNotFormed
from mesh_scheduling.application.ports import SchedulingUnitOfWork
from mesh_scheduling.application.series import record_move, start_series
from mesh_scheduling.domain.agreement import Agreement, Terms, propose
from mesh_scheduling.domain.pair import MINIMUM_NOTICE, AgreedTerms, Pair, first_common_slot
from mesh_scheduling.domain.recurrence import inside_both
from mesh_scheduling.domain.session import SessionStatus


async def propose_agreement(uow: SchedulingUnitOfWork, match_id: UUID, terms: Terms, by: UUID) -> Agreement:
    """A new version, one past the latest; it holds once the other one of the pair confirms it."""
    now = uow.clock.now()
    pair = await _formed_pair(uow, match_id)
    latest = await uow.agreements.latest_for_update(match_id)
    agreement = propose(match_id, pair.program_id, terms, by, pair.participant_ids, latest.version if latest else 0, now)
    await uow.agreements.add(agreement)
    await uow.emit(
        AgreementProposed(
            match_id=match_id,
            program_id=pair.program_id,
            participant_ids=list(pair.participant_ids),
            agreement_version=agreement.version,
            proposed_by=by,
            proposed_at=now,
        )
    )
    return agreement


async def confirm_agreement(uow: SchedulingUnitOfWork, match_id: UUID, version: int, by: UUID) -> Agreement:
    """The other one of the pair confirms the waiting version: from then it holds, and the pair's
    sessions follow its cadence, mode and length."""
    now = uow.clock.now()
    pair = await _formed_pair(uow, match_id)
    latest = await uow.agreements.latest_for_update(match_id)
    if latest is None:
        raise PairNotFormed(f"no agreement of match {match_id} was proposed")
    confirmed = latest.confirm(by, version, pair.participant_ids, now)
    await uow.agreements.confirm(confirmed)
    terms = confirmed.terms
    agreed = AgreedTerms(confirmed.version, terms.cadence, terms.meeting_mode, terms.session_minutes, terms.runs_until)
    await uow.emit(
        AgreementSet(
            match_id=match_id,
            program_id=pair.program_id,
            cadence=terms.cadence,  # type: ignore[arg-type]  # a Literal in the contract, a plain str in the domain
            meeting_mode=terms.meeting_mode,  # type: ignore[arg-type]  # a Literal in the contract, a plain str in the domain
            set_by=confirmed.proposed_by,
            set_at=now,
            goal_count=len(terms.goals),
            participant_ids=list(pair.participant_ids),
            agreement_version=confirmed.version,
            session_minutes=terms.session_minutes,
            runs_until=terms.runs_until,
        )
    )
    await _follow(uow, replace(pair, agreed=agreed), now)
    return confirmed


async def _follow(uow: SchedulingUnitOfWork, pair: Pair, now: datetime) -> None:
    """The series restarts from the session to come, now of the agreed length and mode (moved to
    the first shared slot from its day when the new length no longer fits there); with none to
    come, from the first shared slot a day ahead."""
    assert pair.agreed is not None  # the terms just confirmed
    upcoming = await uow.sessions.latest(pair.match_id)
    if upcoming is None or upcoming.status is not SessionStatus.SCHEDULED or upcoming.starts_at <= now:
        await uow.pairs.agree(pair.match_id, pair.agreed, None)
        await start_series(uow, pair, sequence=(upcoming.sequence + 1) if upcoming else 1, now=now)
        return
    session = await uow.sessions.get_for_update(upcoming.session_id)
    assert session is not None
    start, end = session.starts_at, session.starts_at + pair.session_length
    if not inside_both(pair.members, start, end):
        slot = first_common_slot(pair, max(start.replace(hour=0, minute=0), now + MINIMUM_NOTICE), pair.session_length)
        start, end = slot if slot else (start, end)
    await uow.pairs.agree(pair.match_id, pair.agreed, start)
    if (start, end, pair.meeting_mode) != (session.starts_at, session.ends_at, session.meeting_mode):
        moved = replace(session.move(start, end, now), meeting_mode=pair.meeting_mode, cadence=pair.cadence, occurrence=0)
        await record_move(uow, session, moved, None)
    else:
        await uow.sessions.save(replace(session, occurrence=0, cadence=pair.cadence))


async def _formed_pair(uow: SchedulingUnitOfWork, match_id: UUID) -> Pair:
    pair = await uow.pairs.get(match_id)
    if pair is None or pair.ended_at is not None:
        raise PairNotFormed(f"match {match_id} is not a formed pair here: both accept first, and it must not have ended")
    return pair
