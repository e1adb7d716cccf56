"""Which events the notify service consumes: every one a participant should hear about."""

from collections.abc import Mapping
from typing import Any

from mentoring_contracts import (
    AgreementProposed,
    AgreementSet,
    Event,
    EventEnvelope,
    MatchAccepted,
    MatchAcceptedV1,
    MatchArranged,
    MatchDeclined,
    MatchDeclinedV1,
    MatchEnded,
    MatchEndedV1,
    MatchExpired,
    MatchNudged,
    MatchProposed,
    MatchProposedV1,
    MatchStalled,
    ParticipantErased,
    ParticipantJoined,
    ParticipantJoinedV1,
    ParticipantProfileUpdated,
    ParticipantProfileUpdatedV1,
    SessionCancelled,
    SessionCancelledV1,
    SessionCompleted,
    SessionCompletedV1,
    SessionMissed,
    SessionRescheduled,
    SessionScheduled,
)
from mesh_notify.adapters.personal_data import contact_from_profile, match_details, nudge_details
from mesh_notify.adapters.postgres import PostgresNotifyUnitOfWork
from mesh_notify.application.forget_participant import forget_participant, strip_erased
from mesh_notify.application.plan_notifications import plan_notifications
from mesh_notify.domain.notification import Contact
from mesh_notify.domain.planning import mentioned_ids
from mesh_runtime.app import Components
from mesh_runtime.consumer import Handler
from mesh_runtime.db import Cause, Transaction

# Retired versions still arrive from history written before contracts 2.0; they carry what v2 reads.
HISTORY = (
    ParticipantJoinedV1,
    ParticipantProfileUpdatedV1,
    MatchProposedV1,
    MatchAcceptedV1,
    MatchDeclinedV1,
    MatchEndedV1,
    SessionCancelledV1,
    SessionCompletedV1,
)

# Every event someone should hear of: each plans its notifications.
PLANNED_FROM = (
    ParticipantJoined,
    ParticipantProfileUpdated,
    MatchProposed,
    MatchAccepted,
    MatchDeclined,
    MatchExpired,
    MatchEnded,
    MatchStalled,
    MatchArranged,
    MatchNudged,
    AgreementProposed,
    AgreementSet,
    SessionScheduled,
    SessionRescheduled,
    SessionCancelled,
    SessionCompleted,
    SessionMissed,
    *HISTORY,
)


def event_handlers(components: Components) -> Mapping[type[Event], Handler]:
    profiles, matches = components.peer("profile"), components.peer("matching")

    async def contact_of(event: Event) -> Contact | None:
        if isinstance(event, ParticipantJoinedV1 | ParticipantProfileUpdatedV1):
            profile = event.profile
            return Contact(
                event.participant_id,
                profile.display_name,
                str(profile.email),
                profile.time_zone,
                subject=event.subject,
                campus=profile.campus,
            )
        if isinstance(event, ParticipantJoined | ParticipantProfileUpdated):
            return await contact_from_profile(profiles, event.participant_id)
        return None

    async def details_of(event: Event) -> dict[str, Any]:
        if isinstance(event, MatchProposedV1 | MatchDeclinedV1 | MatchEndedV1):
            return {}  # the words are on the event itself
        if isinstance(event, MatchProposed | MatchDeclined | MatchEnded):
            return await match_details(matches, event.match_id)
        if isinstance(event, MatchArranged):
            return await match_details(matches, event.match_id, with_note=event.with_note)
        if isinstance(event, MatchNudged) and event.with_message:
            return await nudge_details(matches, event.match_id, event.nudge_id)
        return {}

    async def on_event(transaction: Transaction, envelope: EventEnvelope[Any]) -> None:
        contact, details = await contact_of(envelope.data), await details_of(envelope.data)
        uow = PostgresNotifyUnitOfWork(transaction, components.source, Cause.of(envelope))
        planned = await plan_notifications(uow, envelope, contact, details, components.clock.now())
        await strip_erased(uow, {n.recipient_id for n in planned} | mentioned_ids(envelope.data))

    async def on_participant_erased(transaction: Transaction, envelope: EventEnvelope[Any]) -> None:
        uow = PostgresNotifyUnitOfWork(transaction, components.source, Cause.of(envelope))
        await forget_participant(uow, envelope.data)

    return {
        ParticipantErased: on_participant_erased,
        **{model: on_event for model in PLANNED_FROM},
    }
