"""Use case: each coordinator who asked for it gets their daily digest, once a local day."""

import hashlib

import structlog

from mesh_notify.application.ports import Mailer, NotifyUnitOfWork
from mesh_notify.domain.digest import WINDOW, digest_text
from mesh_notify.domain.messages import Message

log = structlog.get_logger(__name__)


async def send_due_digests(uow: NotifyUnitOfWork, mailer: Mailer) -> int:
    """Those of the unit of work's institution due by the service's clock; returns how many went out.
    At least once: a crash after the mail server took one and before it is marked sends it again,
    with the same Message-ID (one per coordinator and day), so mail clients fold the two. A failed
    send is tried again at the next look."""
    digests, now, sent = uow.digests, uow.clock.now(), 0
    for subscription in await digests.all_locked():
        if subscription.expired(now):
            await digests.drop(subscription.subject)
            continue
        if not subscription.due(now):
            continue
        day = subscription.local_day(now)
        counts, failed = await digests.counts(subscription, now - WINDOW, now)
        subject, body = digest_text(counts, failed, subscription, day)
        account = hashlib.sha256(subscription.subject.encode()).hexdigest()[:16]  # stable, and names nobody
        try:
            await mailer.send(
                to_name="Coordinator",
                to_email=subscription.email,
                message=Message(subject, body),
                message_id=f"<digest-{day.isoformat()}-{account}@mentoring-mesh>",
            )
        except Exception as error:  # noqa: BLE001 - one coordinator's mail server trouble stops nobody else's digest
            log.warning("digest not sent; tried again at the next look", account=account, error=type(error).__name__)
            continue
        await digests.mark_sent(subscription.subject, day)
        sent += 1
    return sent
