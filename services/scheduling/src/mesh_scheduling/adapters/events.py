"""Which events the scheduling service consumes, and the use case each one drives."""

from collections.abc import Mapping
from typing import Any

from mentoring_contracts import (
    Event,
    EventEnvelope,
    MatchAccepted,
    MatchAcceptedV1,
    MatchEnded,
    MatchEndedV1,
    ParticipantErased,
    ParticipantLeft,
    ParticipantLeftV1,
)
from mesh_runtime.app import Components
from mesh_runtime.consumer import Handler
from mesh_runtime.db import Cause, Transaction
from mesh_scheduling.adapters.postgres import PostgresSchedulingUnitOfWork
from mesh_scheduling.application.end_pair import end_pair
from mesh_scheduling.application.forget_participant import forget_participant, strip_erased
from mesh_scheduling.application.revoke_leavers_feed import revoke_leavers_feed
from mesh_scheduling.application.schedule_session import schedule_first_session


def event_handlers(components: Components) -> Mapping[type[Event], Handler]:
    profiles = components.peer("profile")

    async def subjects_of(accepted: MatchAccepted) -> tuple[str | None, str | None]:
        """Whose sessions these are: the accounts, from the profile service (none once erased)."""
        if isinstance(accepted, MatchAcceptedV1):  # history: the accounts were on the event
            return (accepted.participants[0].subject, accepted.participants[1].subject)
        views = [await profiles.get(f"/participants/{member.participant_id}/contact") for member in accepted.participants]
        return tuple((view or {}).get("subject") for view in views)  # type: ignore[return-value]

    async def on_match_accepted(transaction: Transaction, envelope: EventEnvelope[Any]) -> None:
        subjects = await subjects_of(envelope.data)
        uow = PostgresSchedulingUnitOfWork(transaction, components.source, Cause.of(envelope))
        await schedule_first_session(uow, envelope.data, subjects, components.clock.now())
        await strip_erased(uow, [member.participant_id for member in envelope.data.participants])

    async def on_match_ended(transaction: Transaction, envelope: EventEnvelope[Any]) -> None:
        uow = PostgresSchedulingUnitOfWork(transaction, components.source, Cause.of(envelope))
        await end_pair(uow, envelope.data, components.clock.now())

    async def on_participant_erased(transaction: Transaction, envelope: EventEnvelope[Any]) -> None:
        uow = PostgresSchedulingUnitOfWork(transaction, components.source, Cause.of(envelope))
        await forget_participant(uow, envelope.data)

    async def on_participant_left(transaction: Transaction, envelope: EventEnvelope[Any]) -> None:
        uow = PostgresSchedulingUnitOfWork(transaction, components.source, Cause.of(envelope))
        await revoke_leavers_feed(uow, envelope.data)

    return {
        MatchAccepted: on_match_accepted,
        MatchAcceptedV1: on_match_accepted,
        MatchEnded: on_match_ended,
        MatchEndedV1: on_match_ended,
        ParticipantErased: on_participant_erased,
        ParticipantLeft: on_participant_left,
        ParticipantLeftV1: on_participant_left,
    }
