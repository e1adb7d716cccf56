"""Use case: a participant was erased; notify forgets how to reach them and what it would have said."""

from collections.abc import Iterable
from uuid import UUID

from mentoring_contracts import ParticipantErased, ParticipantErasureConfirmed
from mesh_notify.application.ports import NotifyUnitOfWork


async def forget_participant(uow: NotifyUnitOfWork, erased: ParticipantErased) -> None:
    """No further mail to them; their name and address go; their notifications and others' that
    quote them keep only what counts for statistics. Confirms, whether or not notify held anything,
    at the service's time."""
    now = uow.clock.now()
    await uow.erasures.remember(erased.participant_id, now)
    erased_what = await _strip(uow, erased.participant_id)
    if await uow.purge_published_mentions(erased.participant_id):
        erased_what.append("published events kept in the outbox")
    await uow.emit(
        ParticipantErasureConfirmed(participant_id=erased.participant_id, service="notify", erased=erased_what, confirmed_at=now)
    )


async def strip_erased(uow: NotifyUnitOfWork, participant_ids: Iterable[UUID]) -> None:
    """After any event is handled: whoever of these was erased before it arrived is stripped again
    (a MatchProposed or SessionCompleted about them, read after their erasure, plans no mail to them
    and keeps no quote of them)."""
    for participant_id in await uow.erasures.erased_among(participant_ids):
        await _strip(uow, participant_id)


async def _strip(uow: NotifyUnitOfWork, participant_id: UUID) -> list[str]:
    erased_what = []
    if await uow.contacts.remove(participant_id):
        erased_what.append("name and email address")
    await uow.preferences.forget(participant_id)
    if await uow.notifications.forget_recipient(participant_id):
        erased_what.append("notification contents and addresses")
    if await uow.notifications.redact_mentions(participant_id):
        erased_what.append("mentions in others' notifications")
    return erased_what
