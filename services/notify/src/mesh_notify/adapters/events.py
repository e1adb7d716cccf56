"""What the notify service consumes: every event someone hears of (the mails' table), and erasures.
Each handler is given a unit of work on the consumer's transaction, caused by the event."""

from collections.abc import Sequence
from typing import Any

from mentoring_contracts import ParticipantErased
from mesh_notify.adapters.postgres import PostgresNotifyUnitOfWork
from mesh_notify.application.forget_participant import ERASURE_STEPS, SERVICE
from mesh_notify.application.plan_notifications import plan_notifications
from mesh_notify.domain.mails import MAILS, mentioned_ids
from mesh_runtime.erasures import confirm_erasure, strip_erased
from mesh_runtime.handlers import Delivered, HandlerTable, batched


async def on_mail_events(uow: PostgresNotifyUnitOfWork, mails: Sequence[Delivered[Any]]) -> None:
    """Plans each event's mails in order, with what they quote read from peers (prefetched for the
    batch), and notify's own contacts and preferences of everyone the run names read once; then
    whoever the run names who was erased before it arrived is stripped again."""
    named = {pid for mail in mails for pid in mentioned_ids(mail.event)}
    contacts = [await uow.peers.contact_of(mail.event) for mail in mails]
    planned = []
    async with uow.run_naming(named | {contact.participant_id for contact in contacts if contact}):
        for mail, contact in zip(mails, contacts, strict=True):
            details = await uow.peers.details_of(mail.event)
            with uow.caused_by(mail.cause):
                planned += await plan_notifications(uow, mail.event, contact, details)
    await strip_erased(uow, {n.recipient_id for n in planned} | named, ERASURE_STEPS)


async def on_participant_erased(uow: PostgresNotifyUnitOfWork, event: ParticipantErased) -> None:
    """Notify's erasure steps, remembered, purged and confirmed as every service does."""
    await confirm_erasure(uow, SERVICE, event.participant_id, ERASURE_STEPS)


MAIL_EVENTS = batched(on_mail_events)  # one entry for every kind: a run may mix them, in the batch's order
HANDLERS: HandlerTable = {ParticipantErased: on_participant_erased, **dict.fromkeys(MAILS, MAIL_EVENTS)}
