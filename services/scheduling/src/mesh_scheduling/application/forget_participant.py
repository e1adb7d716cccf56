"""Use case: a participant was erased; scheduling forgets their words and their account."""

from collections.abc import Iterable
from uuid import UUID

from mentoring_contracts import ParticipantErased, ParticipantErasureConfirmed
from mesh_scheduling.application.ports import SchedulingUnitOfWork


async def forget_participant(uow: SchedulingUnitOfWork, erased: ParticipantErased) -> None:
    """What they wrote in reflections goes (the rating stays, so progress statistics hold), as do
    the link to their account, the reasons they gave for cancelling, their pairs' agreements' words
    and their calendar feed. Their upcoming sessions are cancelled when matching ends their pair
    (MatchEnded), as for anyone who leaves. Confirms, whether or not scheduling held anything."""
    now = uow.clock.now()
    await uow.erasures.remember(erased.participant_id, now)
    erased_what = await _strip(uow, erased.participant_id)
    if await uow.purge_published_mentions(erased.participant_id):
        erased_what.append("published events kept in the outbox")
    await uow.emit(
        ParticipantErasureConfirmed(
            participant_id=erased.participant_id, service="scheduling", erased=erased_what, confirmed_at=now
        )
    )


async def strip_erased(uow: SchedulingUnitOfWork, participant_ids: Iterable[UUID]) -> None:
    """After any event is handled: whoever of these was erased before it arrived is stripped again."""
    for participant_id in await uow.erasures.erased_among(participant_ids):
        await _strip(uow, participant_id)


async def _strip(uow: SchedulingUnitOfWork, participant_id: UUID) -> list[str]:
    erased_what = []
    if await uow.sessions.redact_reflections(participant_id):
        erased_what.append("reflection notes")
    if await uow.pairs.forget_account(participant_id):
        erased_what.append("account link")
    if await uow.sessions.forget_cancel_reasons(participant_id):
        erased_what.append("reasons given for cancelling")
    if await uow.agreements.redact_terms(participant_id):
        erased_what.append("agreements' goals and expectations")
    if await uow.calendar_feeds.revoke(participant_id):
        erased_what.append("calendar feed")
    return erased_what
