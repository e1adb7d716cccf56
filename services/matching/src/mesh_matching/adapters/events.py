"""The events matching consumes and the use case each one drives: one handler each, in ``HANDLERS``.

Each handler is given a unit of work on the batch's transaction, in the event's institution, and the
event; a retired version of an event (history from before contracts 2.0) comes to its current
version's handler (``mesh_runtime.handlers``), which reads both. Joins, the hot path, come as runs
(``batched``): one unit of work in the run's tenant, each join with its own cause."""

from collections.abc import Sequence

from mentoring_contracts import (
    ParticipantErased,
    ParticipantJoined,
    ParticipantJoinedV1,
    ParticipantLeft,
    ParticipantProfileUpdated,
    ParticipantProfileUpdatedV1,
    ProgramClosed,
    ProgramCreated,
    ProgramUpdated,
    SessionCancelled,
    SessionCompleted,
    SessionScheduled,
)
from mesh_matching.application.follow_participants import follow_profile_update, withdraw_participant
from mesh_matching.application.follow_programs import close_program, follow_program
from mesh_matching.application.follow_sessions import follow_session
from mesh_matching.application.forget_participant import ERASURE_STEPS, SERVICE
from mesh_matching.application.ports import MatchingUnitOfWork
from mesh_matching.application.register_candidate import register_candidates
from mesh_matching.domain.candidate import Candidate
from mesh_runtime.erasures import confirm_erasure
from mesh_runtime.handlers import Delivered, HandlerTable, batched

Joined = ParticipantJoined | ParticipantJoinedV1
Updated = ParticipantProfileUpdated | ParticipantProfileUpdatedV1


async def on_participants_joined(uow: MatchingUnitOfWork, joins: Sequence[Delivered[Joined]]) -> None:
    """A run of joins at once: the profiles were prefetched for the batch (``uow.profiles``)."""
    newcomers = [(newcomer, join.cause) for join in joins if (newcomer := await candidate_of(uow, join.event)) is not None]
    await register_candidates(uow, newcomers)


async def on_profile_updated(uow: MatchingUnitOfWork, event: Updated) -> None:
    if (updated := await candidate_of(uow, event)) is not None:
        await follow_profile_update(uow, updated)


async def on_participant_left(uow: MatchingUnitOfWork, event: ParticipantLeft) -> None:
    await withdraw_participant(uow, event)


async def on_participant_erased(uow: MatchingUnitOfWork, event: ParticipantErased) -> None:
    """Matching's erasure steps, remembered, purged and confirmed as every service does."""
    await confirm_erasure(uow, SERVICE, event.participant_id, ERASURE_STEPS)


async def on_program_created(uow: MatchingUnitOfWork, event: ProgramCreated) -> None:
    await follow_program(uow, event.program_id, event.definition, event.created_at)


async def on_program_updated(uow: MatchingUnitOfWork, event: ProgramUpdated) -> None:
    await follow_program(uow, event.program_id, event.definition, event.updated_at)


async def on_program_closed(uow: MatchingUnitOfWork, event: ProgramClosed) -> None:
    await close_program(uow, event)


async def on_session(uow: MatchingUnitOfWork, event: SessionScheduled | SessionCompleted | SessionCancelled) -> None:
    await follow_session(uow, event)


async def candidate_of(uow: MatchingUnitOfWork, event: Joined | Updated) -> Candidate | None:
    """The participant as profile has them now (``uow.profiles``, prefetched for the batch); None once
    erased. History carried the profile on the event itself."""
    if isinstance(event, ParticipantJoinedV1 | ParticipantProfileUpdatedV1):
        return Candidate(
            event.participant_id,
            event.profile,
            event.subject,
            event.joined_at if isinstance(event, ParticipantJoinedV1) else None,
        )
    return await uow.profiles.candidate(event.participant_id)


HANDLERS: HandlerTable = {
    ProgramCreated: on_program_created,
    ProgramUpdated: on_program_updated,
    ProgramClosed: on_program_closed,
    SessionScheduled: on_session,
    SessionCompleted: on_session,
    SessionCancelled: on_session,
    ParticipantJoined: batched(on_participants_joined),
    ParticipantProfileUpdated: on_profile_updated,
    ParticipantLeft: on_participant_left,
    ParticipantErased: on_participant_erased,
}
