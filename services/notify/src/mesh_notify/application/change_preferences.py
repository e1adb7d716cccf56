"""Use case: a participant sets what they want to hear, kind by kind."""

from collections.abc import Iterable
from uuid import UUID

from mesh_notify.application.errors import RecipientOnly
from mesh_notify.application.ports import NotifyUnitOfWork
from mesh_notify.domain.preferences import Preference


async def change_preferences(uow: NotifyUnitOfWork, participant_id: UUID, preferences: Iterable[Preference], by: str) -> None:
    """Kinds not named stay as they are. ``by``: the caller's account; only the participant themself
    sets their own (their admin may look, not change): RecipientOnly for anyone else."""
    contact = await uow.contacts.get(participant_id)
    if contact is None or contact.subject != by:
        raise RecipientOnly("only the participant sets their own notification preferences")
    for preference in preferences:
        await uow.preferences.set(participant_id, preference)
