"""A recipient marks what they read in their in-app inbox: one notification read or unread again, or
all of them read. Only the recipient themself: their admin reads their notifications, but what they
have read is theirs to say."""

from collections.abc import Awaitable, Callable
from uuid import UUID

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, Field

from mesh_notify.adapters.access import notification_tenancy, recipient_tenancy
from mesh_notify.adapters.inbox_store import PostgresInbox
from mesh_notify.adapters.notification_views import NotificationView, views
from mesh_notify.adapters.postgres import PostgresNotifyUnitOfWork
from mesh_notify.application.read_notifications import mark_all_read, mark_read, mark_unread
from mesh_notify.domain.inbox import NotTheRecipients
from mesh_notify.domain.notification import Notification, NotInInbox
from mesh_runtime.app import Components
from mesh_runtime.db import Cause, Transaction
from mesh_runtime.dependencies import CauseDep, ComponentsDep, PrincipalDep, authorize, error_responses
from mesh_runtime.identity import Principal, Tenancy

router = APIRouter(tags=["notifications"])


class ReadAll(BaseModel):
    recipient_id: UUID = Field(description="The participant: the caller themself.")
    through: UUID | None = Field(
        default=None,
        description="The newest notification they saw: it and every one "
        "listed before it are read, one sent since stays unread. "
        "Omitted: every one sent so far.",
    )


class ReadAllDone(BaseModel):
    recipient_id: UUID
    marked: int = Field(description="How many were unread and are read now.")
    unread: int = Field(description="How many are still unread.")


@router.post(
    "/notifications/read",
    summary="Mark all of one's notifications read, or those up to one (the recipient only); again: no change",
    responses=error_responses(403, 404, 422),
)
async def read_all(body: ReadAll, components: ComponentsDep, cause: CauseDep, principal: PrincipalDep) -> ReadAllDone:
    async with components.database.transaction(principal.institution) as transaction:
        tenancy = await recipient_tenancy(transaction.connection, body.recipient_id)
        authorize(principal, tenancy, f"participant {body.recipient_id}", coordinators_may=False)
        _the_recipient_only(principal, tenancy)
        uow = PostgresNotifyUnitOfWork(transaction, components.source, cause)
        try:
            marked = await mark_all_read(uow, body.recipient_id, body.through, components.clock.now())
        except NotTheRecipients as error:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(error)) from error
        unread = await PostgresInbox(transaction.connection).unread_count(body.recipient_id)
    return ReadAllDone(recipient_id=body.recipient_id, marked=marked, unread=unread)


@router.post(
    "/notifications/{notification_id}/read",
    summary="Mark a sent notification read (its recipient only); again: it keeps when it was first read",
    responses=error_responses(403, 404, 409),
)
async def read_one(
    notification_id: UUID, components: ComponentsDep, cause: CauseDep, principal: PrincipalDep
) -> NotificationView:
    async with components.database.transaction(principal.institution) as transaction:
        uow = await _recipients_own(transaction, components, cause, principal, notification_id)
        return await _marked(transaction, components, lambda: mark_read(uow, notification_id, components.clock.now()))


@router.post(
    "/notifications/{notification_id}/unread",
    summary="Mark a sent notification unread again (its recipient only); again: no change",
    responses=error_responses(403, 404, 409),
)
async def unread_one(
    notification_id: UUID, components: ComponentsDep, cause: CauseDep, principal: PrincipalDep
) -> NotificationView:
    async with components.database.transaction(principal.institution) as transaction:
        uow = await _recipients_own(transaction, components, cause, principal, notification_id)
        return await _marked(transaction, components, lambda: mark_unread(uow, notification_id))


async def _recipients_own(
    transaction: Transaction, components: Components, cause: Cause, principal: Principal, notification_id: UUID
) -> PostgresNotifyUnitOfWork:
    tenancy = await notification_tenancy(transaction.connection, notification_id)
    authorize(principal, tenancy, f"notification {notification_id}", coordinators_may=False)
    _the_recipient_only(principal, tenancy)
    return PostgresNotifyUnitOfWork(transaction, components.source, cause)


async def _marked(
    transaction: Transaction, components: Components, mark: Callable[[], Awaitable[Notification | None]]
) -> NotificationView:
    try:
        marked = await mark()
    except NotInInbox as error:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(error)) from error
    assert marked is not None, "authorized: it exists"
    [view] = await views(transaction.connection, components, [marked], with_body=True)
    return view


def _the_recipient_only(principal: Principal, tenancy: Tenancy | None) -> None:
    if tenancy is None or principal.subject not in tenancy.owners:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="only the recipient marks what they have read")
