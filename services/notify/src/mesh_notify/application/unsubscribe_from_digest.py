"""Use case: a coordinator stops their daily digest."""

from mesh_notify.application.errors import NoDigest
from mesh_notify.application.ports import NotifyUnitOfWork


async def unsubscribe_from_digest(uow: NotifyUnitOfWork, subject: str) -> None:
    """Raises NoDigest when they have not asked for one."""
    if not await uow.digests.unsubscribe(subject):
        raise NoDigest("you have not asked for a daily digest")
