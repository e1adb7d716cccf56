"""What the notify service consumes: every event someone hears of (the mails' table), and erasures.
Each handler is given a unit of work on the consumer's transaction, caused by the event."""

from typing import Any

from mentoring_contracts import ParticipantErased
from mesh_notify.adapters.postgres import PostgresNotifyUnitOfWork
from mesh_notify.application.forget_participant import ERASURE_STEPS, SERVICE
from mesh_notify.application.plan_notifications import plan_notifications
from mesh_notify.domain.mails import MAILS, mentioned_ids
from mesh_runtime.erasures import confirm_erasure, strip_erased
from mesh_runtime.handlers import HandlerTable


async def on_mail_event(uow: PostgresNotifyUnitOfWork, event: Any) -> None:
    """Plans its mails, with what they quote read from peers first; then whoever it names who was
    erased before it arrived is stripped again."""
    contact, details = await uow.peers.contact_of(event), await uow.peers.details_of(event)
    planned = await plan_notifications(uow, event, contact, details)
    await strip_erased(uow, {n.recipient_id for n in planned} | mentioned_ids(event), ERASURE_STEPS)


async def on_participant_erased(uow: PostgresNotifyUnitOfWork, event: ParticipantErased) -> None:
    """Notify's erasure steps, remembered, purged and confirmed as every service does."""
    await confirm_erasure(uow, SERVICE, event.participant_id, ERASURE_STEPS)


HANDLERS: HandlerTable = {ParticipantErased: on_participant_erased, **{model: on_mail_event for model in MAILS}}
