"""Which events the matching service consumes, and the use case each one drives."""

from collections.abc import Mapping
from typing import Any

from mentoring_contracts import (
    Event,
    EventEnvelope,
    ParticipantErased,
    ParticipantJoined,
    ParticipantJoinedV1,
    ParticipantLeft,
    ParticipantLeftV1,
    ParticipantProfileUpdated,
    ParticipantProfileUpdatedV1,
    ProgramClosed,
    ProgramCreated,
    ProgramUpdated,
    SessionCancelled,
    SessionCancelledV1,
    SessionCompleted,
    SessionCompletedV1,
    SessionScheduled,
)
from mesh_matching.adapters.postgres import PostgresMatchingUnitOfWork
from mesh_matching.adapters.profiles import ProfileReads
from mesh_matching.application.follow_participants import follow_profile_update, withdraw_participant
from mesh_matching.application.follow_programs import close_program, follow_program
from mesh_matching.application.follow_sessions import follow_session
from mesh_matching.application.forget_participant import forget_participant
from mesh_matching.application.register_candidate import register_candidate
from mesh_matching.domain.candidate import Candidate
from mesh_runtime.app import Components
from mesh_runtime.consumer import Handler, Prefetch
from mesh_runtime.db import Cause, Transaction


def profile_reads(components: Components) -> ProfileReads:
    if "profile_reads" not in components.shared:
        components.shared["profile_reads"] = ProfileReads(components.peer("profile"))
    return components.shared["profile_reads"]


def profile_prefetch(components: Components) -> Prefetch:
    """The profiles of a batch's joins and updates, in one call to the profile service."""
    return profile_reads(components).prefetch


def event_handlers(components: Components) -> Mapping[type[Event], Handler]:
    profiles = profile_reads(components)

    async def candidate_of(envelope: EventEnvelope[Any]) -> Candidate | None:
        event = envelope.data
        if isinstance(event, ParticipantJoinedV1 | ParticipantProfileUpdatedV1):  # history: the profile is on the event
            return Candidate(
                event.participant_id,
                event.profile,
                event.subject,
                event.joined_at if isinstance(event, ParticipantJoinedV1) else None,
            )
        return await profiles.candidate(event.participant_id)

    async def on_participant_joined(transaction: Transaction, envelope: EventEnvelope[Any]) -> None:
        if (newcomer := await candidate_of(envelope)) is not None:
            uow = PostgresMatchingUnitOfWork(transaction, components.source, Cause.of(envelope))
            await register_candidate(uow, newcomer, now=components.clock.now())

    async def on_profile_updated(transaction: Transaction, envelope: EventEnvelope[Any]) -> None:
        if (updated := await candidate_of(envelope)) is not None:
            uow = PostgresMatchingUnitOfWork(transaction, components.source, Cause.of(envelope))
            await follow_profile_update(uow, updated, now=components.clock.now())

    async def on_participant_left(transaction: Transaction, envelope: EventEnvelope[Any]) -> None:
        uow = PostgresMatchingUnitOfWork(transaction, components.source, Cause.of(envelope))
        await withdraw_participant(uow, envelope.data, now=components.clock.now())

    async def on_participant_erased(transaction: Transaction, envelope: EventEnvelope[Any]) -> None:
        uow = PostgresMatchingUnitOfWork(transaction, components.source, Cause.of(envelope))
        await forget_participant(uow, envelope.data, now=components.clock.now())

    async def on_program_defined(transaction: Transaction, envelope: EventEnvelope[Any]) -> None:
        event = envelope.data
        at = event.created_at if isinstance(event, ProgramCreated) else event.updated_at
        await follow_program(
            PostgresMatchingUnitOfWork(transaction, components.source, Cause.of(envelope)), event.program_id, event.definition, at
        )

    async def on_program_closed(transaction: Transaction, envelope: EventEnvelope[Any]) -> None:
        await close_program(
            PostgresMatchingUnitOfWork(transaction, components.source, Cause.of(envelope)), envelope.data, components.clock.now()
        )

    async def on_session(transaction: Transaction, envelope: EventEnvelope[Any]) -> None:
        await follow_session(PostgresMatchingUnitOfWork(transaction, components.source, Cause.of(envelope)), envelope.data)

    return {
        SessionScheduled: on_session,
        SessionCompleted: on_session,
        SessionCompletedV1: on_session,
        SessionCancelled: on_session,
        SessionCancelledV1: on_session,
        ProgramCreated: on_program_defined,
        ProgramUpdated: on_program_defined,
        ProgramClosed: on_program_closed,
        ParticipantErased: on_participant_erased,
        ParticipantJoined: on_participant_joined,
        ParticipantJoinedV1: on_participant_joined,
        ParticipantProfileUpdated: on_profile_updated,
        ParticipantProfileUpdatedV1: on_profile_updated,
        ParticipantLeft: on_participant_left,
        ParticipantLeftV1: on_participant_left,
    }
