"""A recipient marks what they read in their in-app inbox: one notification read or unread again, or
all of them read. Only the recipient themself: their admin reads their notifications, but what they
have read is theirs to say."""

from collections.abc import Awaitable, Callable
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel, Field

from mesh_notify.adapters.access import notification_tenancy, recipient_tenancy
from mesh_notify.adapters.http.dependencies import LinksDep, Uow
from mesh_notify.adapters.http.views import NotificationView, views
from mesh_notify.application.ports import NotifyUnitOfWork
from mesh_notify.application.read_notifications import mark_all_read, mark_read, mark_unread
from mesh_notify.domain.notification import Notification
from mesh_runtime.dependencies import PrincipalDep, authorize, error_responses

router: APIRouter = APIRouter(tags=["notifications"])


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
async def read_all(body: ReadAll, uow: Uow, principal: PrincipalDep) -> ReadAllDone:
    tenancy = await recipient_tenancy(uow.connection, body.recipient_id)
    authorize(principal, tenancy, f"participant {body.recipient_id}", coordinators_may=False)
    marked = await mark_all_read(uow, body.recipient_id, body.through, principal.subject)
    unread = await uow.inbox.unread_count(body.recipient_id)
    return ReadAllDone(recipient_id=body.recipient_id, marked=marked, unread=unread)


@router.post(
    "/notifications/{notification_id}/read",
    summary="Mark a sent notification read (its recipient only); again: it keeps when it was first read",
    responses=error_responses(403, 404, 409),
)
async def read_one(notification_id: UUID, uow: Uow, links: LinksDep, principal: PrincipalDep) -> NotificationView:
    return await _marked(uow, links, principal, notification_id, mark_read)


@router.post(
    "/notifications/{notification_id}/unread",
    summary="Mark a sent notification unread again (its recipient only); again: no change",
    responses=error_responses(403, 404, 409),
)
async def unread_one(notification_id: UUID, uow: Uow, links: LinksDep, principal: PrincipalDep) -> NotificationView:
    return await _marked(uow, links, principal, notification_id, mark_unread)


async def _marked(
    uow: Uow,
    links: LinksDep,
    principal: PrincipalDep,
    notification_id: UUID,
    mark: Callable[[NotifyUnitOfWork, UUID, str], Awaitable[Notification | None]],
) -> NotificationView:
    """One notification marked by its recipient, as it reads now."""
    tenancy = await notification_tenancy(uow.connection, notification_id)
    authorize(principal, tenancy, f"notification {notification_id}", coordinators_may=False)
    marked = await mark(uow, notification_id, principal.subject)
    assert marked is not None, "authorized: it exists"
    [view] = await views(uow.contacts, links, [marked], with_body=True)
    return view
