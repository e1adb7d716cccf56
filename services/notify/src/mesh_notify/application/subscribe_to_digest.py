"""Use case: a coordinator asks for their daily digest (or renews it, or changes when it comes)."""

from mesh_notify.application.errors import NoCampus, NoVerifiedEmail
from mesh_notify.application.ports import NotifyUnitOfWork
from mesh_notify.domain.digest import DigestSubscription


async def subscribe_to_digest(
    uow: NotifyUnitOfWork,
    subject: str,
    email: str | None,
    campuses: frozenset[str],
    programs: frozenset[str],
    time_zone: str,
    hour: int,
) -> DigestSubscription:
    """``subject``, ``email``, ``campuses`` and ``programs``: as the coordinator's token vouches for
    them now; the digest covers those, goes to that address, and lasts ``LASTS`` from today. Raises
    NoVerifiedEmail or NoCampus when the token carries nowhere to send it or nothing to summarise."""
    if email is None:
        raise NoVerifiedEmail("your token carries no verified email: nowhere to send a digest")
    if not campuses:
        raise NoCampus("your token names no campus to summarise")
    subscription = DigestSubscription(subject, email, time_zone, hour, campuses, programs).renewed(uow.clock.now())
    await uow.digests.subscribe(subscription)
    stored = await uow.digests.get(subject)
    assert stored is not None, "just stored"
    return stored
