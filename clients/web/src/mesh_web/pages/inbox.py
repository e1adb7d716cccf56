"""The in-app inbox: what notify sent the signed-in person, in every program they take part in, newest
first, a page at a time; each notification on a page of its own (read once opened); read and unread
by a plain form (POST, then back), which htmx turns into an update of the one row, focus on it."""

import asyncio
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import Response

from mesh_web import failures
from mesh_web.api.base import ApiProblem
from mesh_web.auth.routes import safe_return
from mesh_web.i18n import ngettext
from mesh_web.pages import mine
from mesh_web.rendering import flash, fragment, page, see_other
from mesh_web.visit import PersonDep, Visit

router = APIRouter()
PAGE_SIZE = 20


@router.get("/inbox")
async def inbox(
    visit: PersonDep, participant: UUID | None = None, older: Annotated[list[str] | None, Query(max_length=80)] = None
) -> Response:
    """``participant``: one program's only. ``older``: the next page, one ``<participant>:<notification>``
    (or a bare ``<participant>``: from its newest) per participation that has more."""
    everyone = await mine.participations(visit)
    listed = [item for item in everyone if participant is None or item["participant_id"] == str(participant)]
    if participant is not None and not listed:
        raise HTTPException(404)
    cursors = _cursors(older, listed)
    pages = await asyncio.gather(
        *(
            visit.notify.notifications(UUID(pid), status="sent", order="newest", limit=PAGE_SIZE + 1, before=before)
            for pid, before in cursors.items()
        )
    )
    fetched = dict(zip(cursors, pages, strict=True))
    merged = sorted((item for items in fetched.values() for item in items), key=_place, reverse=True)
    shown = merged[:PAGE_SIZE]
    unread = 0 if older else await _unread(visit, everyone)
    return page(
        visit,
        "inbox/list.html",
        form=failures.restore(visit, visit.request.url.path),
        notifications=shown,
        programs=_programs(everyone),
        participations=everyone,
        participant=participant,
        older=_older_link(participant, cursors, fetched, shown) if len(merged) > PAGE_SIZE else None,
        paged=bool(older),
        unread=unread,
        through=_newest_of_each(shown),
        back=_here(visit),
    )


@router.get("/inbox/{notification_id}")
async def notification(visit: PersonDep, notification_id: UUID) -> Response:
    try:
        item = await visit.notify.notification(notification_id)
    except ApiProblem as problem:
        mine.not_found_on_refusal(problem)
        raise
    everyone = await mine.participations(visit)
    if mine.find(everyone, item["recipient_id"]) is None:
        raise HTTPException(404)  # an admin may read it at notify, but this is the participant's own inbox
    if item.get("status") == "sent" and not item.get("read_at"):
        try:
            item = await visit.notify.mark_read(notification_id)
        except ApiProblem as problem:
            if problem.status not in (403, 409):  # not theirs to mark, or no longer in the inbox: shown all the same
                raise
    return page(
        visit,
        "inbox/notification.html",
        form=failures.restore(visit, visit.request.url.path),
        item=item,
        program=_programs(everyone).get(item["recipient_id"], ""),
        several=len(everyone) > 1,
        kind=mine.kind_label(mine.template_kind(item["template"])),
        pair=_pair_of(item),
    )


@router.post("/inbox/{notification_id}/read")
async def mark_read(visit: PersonDep, notification_id: UUID) -> Response:
    return await _mark(visit, notification_id, read=True)


@router.post("/inbox/{notification_id}/unread")
async def mark_unread(visit: PersonDep, notification_id: UUID) -> Response:
    return await _mark(visit, notification_id, read=False)


@router.post("/inbox/read")
async def mark_all_read(visit: PersonDep) -> Response:
    """Every notification read, up to the newest each participation's list showed (one come since stays unread)."""
    form = await mine.posted(visit, "through")
    everyone = {item["participant_id"] for item in await mine.participations(visit)}
    marked = 0
    for value in form.values_of("through"):
        pid, _, newest = value.partition(":")
        if pid not in everyone:
            continue
        done = await visit.notify.mark_all_read(UUID(pid), _uuid(newest))
        marked += int(done.get("marked") or 0)
    flash(visit, ngettext("%(num)d notification marked as read.", "%(num)d notifications marked as read.", marked))
    return see_other(safe_return(str(form.value("back", "/inbox"))))


async def _mark(visit: Visit, notification_id: UUID, read: bool) -> Response:
    form = await mine.posted(visit)
    try:
        item = await visit.notify.mark_read(notification_id, read)
    except ApiProblem as problem:
        mine.not_found_on_refusal(problem)
        if problem.status != 409:
            raise
        item = await visit.notify.notification(notification_id)  # not in the inbox (not sent): show it as it is
    back = safe_return(str(form.value("back", "/inbox")))
    if mine.is_enhanced(visit):
        everyone = await mine.participations(visit)
        return fragment(
            visit,
            "inbox/row.html",
            "row",
            item=item,
            programs=_programs(everyone),
            back=back,
            request=visit.request,
            unread_total=await _unread(visit, everyone),
        )
    return see_other(f"{back}#notification-{notification_id}" if back.startswith("/inbox") and "#" not in back else back)


def _pair_of(item: dict[str, Any]) -> str | None:
    """The pair a notification is about, once there is one (a proposal is answered on the program's page)."""
    paired = item["template"] in ("match_accepted", "pair_dormant", "pair_nudged") or item["template"].startswith(
        ("session_", "agreement_")
    )
    return item.get("match_id") if paired else None


async def _unread(visit: Visit, everyone: list[dict[str, Any]]) -> int:
    """How many are unread, in all their programs (what the inbox says at its top, filtered or not)."""
    return sum(await asyncio.gather(*(visit.notify.unread_count(UUID(item["participant_id"])) for item in everyone)))


def _place(item: dict[str, Any]) -> tuple[datetime, str, str]:
    """Where notify places it in the inbox: by when it was sent, then template, then id."""
    return datetime.fromisoformat(item.get("sent_at") or item["created_at"]), item["template"], item["notification_id"]


def _cursors(older: list[str] | None, listed: list[dict[str, Any]]) -> dict[str, UUID | None]:
    """Where each participation's list goes on from: their newest on the first page; on a later page, only
    the participations the link names (the others have no more)."""
    theirs = {item["participant_id"] for item in listed}
    if not older:
        return dict.fromkeys(theirs)
    cursors: dict[str, UUID | None] = {}
    for value in older:
        pid, _, before = value.partition(":")
        if pid not in theirs or (before and _uuid(before) is None):
            raise HTTPException(404)  # a link made by hand, or one to another's inbox
        cursors[pid] = _uuid(before)
    return cursors


def _older_link(
    participant: UUID | None,
    cursors: dict[str, UUID | None],
    fetched: dict[str, list[dict[str, Any]]],
    shown: list[dict[str, Any]],
) -> str:
    parts = [f"participant={participant}"] if participant else []
    for pid, before in cursors.items():
        theirs = [item for item in shown if item["recipient_id"] == pid]
        if len(fetched[pid]) > len(theirs):  # more of theirs: from the last shown, or where this page began
            last = theirs[-1]["notification_id"] if theirs else before
            parts.append(f"older={pid}" + (f":{last}" if last else ""))
    return "/inbox?" + "&".join(parts)


def _newest_of_each(shown: list[dict[str, Any]]) -> list[str]:
    newest: dict[str, str] = {}
    for item in shown:
        newest.setdefault(item["recipient_id"], item["notification_id"])
    return [f"{pid}:{nid}" for pid, nid in newest.items()]


def _programs(everyone: list[dict[str, Any]]) -> dict[str, str]:
    """Participant id -> program name, when they take part in more than one (else nothing to tell apart)."""
    return {item["participant_id"]: item.get("program_name", "") for item in everyone} if len(everyone) > 1 else {}


def _here(visit: Visit) -> str:
    url = visit.request.url
    return url.path + (f"?{url.query}" if url.query else "")


def _uuid(value: str) -> UUID | None:
    try:
        return UUID(value) if value else None
    except ValueError:
        return None
