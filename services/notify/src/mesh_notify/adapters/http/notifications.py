"""The notify service's HTTP API: what was (or will be) sent to whom, and each recipient's inbox of it."""

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from mesh_notify.adapters.access import notification_tenancy, recipient_tenancy
from mesh_notify.adapters.http import queries
from mesh_notify.adapters.http.dependencies import LinksDep, Uow
from mesh_notify.adapters.http.views import NotificationView, Status, views
from mesh_runtime import audit
from mesh_runtime.dependencies import PrincipalDep, authorize, error_responses
from mesh_runtime.identity import Decision, decide

router: APIRouter = APIRouter(tags=["notifications"])
MAX_PAGE = 200


class UnreadCount(BaseModel):
    recipient_id: UUID
    unread: int = Field(description="How many notifications were sent to them and not read yet.")


@router.get(
    "/notifications",
    summary="Notifications of one recipient, oldest first or newest first, whole or a page at a time (theirs, and their admins')",
    responses=error_responses(403, 422),
)
async def list_notifications(
    uow: Uow,
    links: LinksDep,
    principal: PrincipalDep,
    recipient_id: Annotated[UUID, Query(description="The participant.")],
    state: Annotated[
        list[Status] | None, Query(alias="status", description="Only these (repeat it for several); status=sent is their inbox.")
    ] = None,
    unread: Annotated[bool, Query(description="Only those sent and not read yet.")] = False,
    order: Annotated[
        Literal["oldest", "newest"],
        Query(description="By when each was sent (one not sent: when it was planned); newest: the latest first."),
    ] = "oldest",
    before: Annotated[
        UUID | None,
        Query(
            description="Only those listed before this notification of theirs (sent "
            "earlier): with order=newest, the next page after its last one."
        ),
    ] = None,
    after: Annotated[
        UUID | None,
        Query(
            description="Only those listed after this notification of theirs (sent "
            "later): with order=oldest, the next page after its last one."
        ),
    ] = None,
    limit: Annotated[
        int | None,
        Query(
            ge=1, le=MAX_PAGE, description="At most this many; omitted: all of them. A page shorter than the limit is the last."
        ),
    ] = None,
) -> list[NotificationView]:
    recipient = await recipient_tenancy(uow.connection, recipient_id)
    if recipient is None or decide(principal, recipient, coordinators_may=False) is Decision.HIDDEN:
        return []  # nothing yet, or not the caller's to know of: the same answer, so nothing leaks
    authorize(principal, recipient, f"notifications of {recipient_id}", coordinators_may=False)
    places = {
        name: await queries.place(uow.inbox, recipient_id, name, cursor)
        for name, cursor in (("before", before), ("after", after))
    }
    found = await uow.inbox.page(
        recipient_id,
        statuses=state or (),
        unread_only=unread,
        newest_first=order == "newest",
        before=places["before"],
        after=places["after"],
        limit=limit,
    )
    await audit.record_reads(
        uow.transaction,
        principal,
        uow.cause,
        "notifications",  # mail quotes people's words
        {recipient.institution: [str(n.notification_id) for n in found]},
    )
    return await views(uow.contacts, links, found)


@router.get(
    "/notifications/unread-count",
    summary="How many of one recipient's notifications are unread (theirs, and their admins')",
    responses=error_responses(403),
)
async def unread_count(
    uow: Uow, principal: PrincipalDep, recipient_id: Annotated[UUID, Query(description="The participant.")]
) -> UnreadCount:
    recipient = await recipient_tenancy(uow.connection, recipient_id)
    if recipient is None or decide(principal, recipient, coordinators_may=False) is Decision.HIDDEN:
        return UnreadCount(recipient_id=recipient_id, unread=0)  # as the list: nothing leaks
    authorize(principal, recipient, f"notifications of {recipient_id}", coordinators_may=False)
    return UnreadCount(recipient_id=recipient_id, unread=await uow.inbox.unread_count(recipient_id))


@router.get("/notifications/{notification_id}", summary="One notification", responses=error_responses(403, 404))
async def get_notification(notification_id: UUID, uow: Uow, links: LinksDep, principal: PrincipalDep) -> NotificationView:
    tenancy = await notification_tenancy(uow.connection, notification_id)
    authorize(principal, tenancy, f"notification {notification_id}", coordinators_may=False)
    found = await queries.notification(uow.connection, notification_id)
    assert tenancy is not None and found is not None, "authorized: it exists"
    await audit.record_reads(
        uow.transaction, principal, uow.cause, "notifications", {tenancy.institution: [str(notification_id)]}
    )
    [view] = await views(uow.contacts, links, [found], with_body=True)
    return view
