"""The events scheduling consumes, each with the use case it drives: one handler per event, given
the unit of work the runtime built for it. Retired versions reach the same handler. Acceptances,
the hot path, come as runs (``batched``)."""

from collections.abc import Sequence

from mentoring_contracts import MatchAccepted, MatchEnded, ParticipantErased, ParticipantLeft
from mesh_runtime.erasures import confirm_erasure, strip_erased
from mesh_runtime.handlers import Delivered, HandlerTable, batched
from mesh_scheduling.adapters.postgres import PostgresSchedulingUnitOfWork
from mesh_scheduling.application.end_pair import end_pair
from mesh_scheduling.application.forget_participant import ERASURE_STEPS, SERVICE
from mesh_scheduling.application.revoke_leavers_feed import revoke_leavers_feed
from mesh_scheduling.application.schedule_session import schedule_first_sessions


async def on_matches_accepted(uow: PostgresSchedulingUnitOfWork, accepted: Sequence[Delivered[MatchAccepted]]) -> None:
    """The pairs' first sessions, theirs by the accounts profile names (prefetched for the batch);
    anyone of them erased before this arrived is stripped again."""
    subjects = [await uow.profiles.subjects_of(each.event) for each in accepted]
    await schedule_first_sessions(uow, [(each.event, pair, each.cause) for each, pair in zip(accepted, subjects, strict=True)])
    members = [member.participant_id for each in accepted for member in each.event.participants]
    await strip_erased(uow, members, ERASURE_STEPS)


async def on_match_ended(uow: PostgresSchedulingUnitOfWork, event: MatchEnded) -> None:
    await end_pair(uow, event)


async def on_participant_erased(uow: PostgresSchedulingUnitOfWork, event: ParticipantErased) -> None:
    """Scheduling's erasure steps, remembered, purged and confirmed as every service does."""
    await confirm_erasure(uow, SERVICE, event.participant_id, ERASURE_STEPS)


async def on_participant_left(uow: PostgresSchedulingUnitOfWork, event: ParticipantLeft) -> None:
    await revoke_leavers_feed(uow, event)


HANDLERS: HandlerTable = {
    MatchAccepted: batched(on_matches_accepted),
    MatchEnded: on_match_ended,
    ParticipantErased: on_participant_erased,
    ParticipantLeft: on_participant_left,
}
