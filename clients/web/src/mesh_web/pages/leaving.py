"""Leaving a program (with a reason, if they want to give one), and erasing one's data from a program:
a clear warning and a box to tick, then a page that shows each service confirm its part as it does
(without JavaScript: a "Check again" link; with htmx: the status polls every 2 s until all confirmed).

Once erased, the participation is bound to nobody: profile no longer lists it among theirs. The
session keeps which participations they erased (and the program's name) so the status page still
knows what it is about, and a status profile no longer gives is said in words, not an error."""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import Response

from mesh_web import failures
from mesh_web.api.base import ApiProblem
from mesh_web.i18n import gettext as _
from mesh_web.pages import mine
from mesh_web.rendering import flash, fragment, page, see_other
from mesh_web.visit import PersonDep, Visit

router = APIRouter()
REASON_LIMIT = 1000
SERVICES = ("profile", "matching", "scheduling", "notify")


@router.get("/participations/{participant_id}/leave")
async def leave_page(visit: PersonDep, participant_id: UUID) -> Response:
    participation = await mine.participation(visit, participant_id)
    if participation["state"] != "active":
        flash(visit, _("You have already left %(program)s.", program=participation.get("program_name", "")))
        return see_other("/")
    return page(
        visit,
        "settings/leave.html",
        form=failures.restore(visit, visit.request.url.path),
        participation=participation,
        limit=REASON_LIMIT,
    )


@router.post("/participations/{participant_id}/leave")
async def leave(visit: PersonDep, participant_id: UUID) -> Response:
    participation = await mine.participation(visit, participant_id)
    form = await mine.posted(visit)
    reason = str(form.value("reason"))
    if len(reason) > REASON_LIMIT:
        form.error("reason", _("Keep your reason to %(limit)d characters or fewer", limit=REASON_LIMIT))
    if form.ok and participation["state"] == "active":
        try:
            visit.forget_participations()
            await visit.profile.leave(participant_id, reason or None)
        except ApiProblem as problem:
            mine.not_found_on_refusal(problem)
            if problem.status != 409:  # 409: left already (another tab): the outcome they asked for
                for name, message in problem.field_errors().items():
                    form.error("reason" if "reason" in name else name, message)
                if form.ok:
                    raise
    if not form.ok:
        return page(visit, "settings/leave.html", status=422, form=form, participation=participation, limit=REASON_LIMIT)
    flash(visit, _("You have left %(program)s.", program=participation.get("program_name", "")))
    return see_other("/")


@router.get("/participations/{participant_id}/erase")
async def erase_page(visit: PersonDep, participant_id: UUID) -> Response:
    if str(participant_id) in _erasures(visit):
        return see_other(f"/participations/{participant_id}/erasure")
    participation = await mine.participation(visit, participant_id)
    return page(visit, "settings/erase.html", form=failures.restore(visit, visit.request.url.path), participation=participation)


@router.post("/participations/{participant_id}/erase")
async def erase(visit: PersonDep, participant_id: UUID) -> Response:
    if str(participant_id) in _erasures(visit):
        return see_other(f"/participations/{participant_id}/erasure")
    participation = await mine.participation(visit, participant_id)
    form = await mine.posted(visit)
    if form.value("confirm") != "yes":
        form.error("confirm", _("Tick the box to confirm that you want your data in this program erased"))
        return page(visit, "settings/erase.html", status=422, form=form, participation=participation)
    try:
        visit.forget_participations()
        status = await visit.profile.erase(participant_id)
    except ApiProblem as problem:
        mine.not_found_on_refusal(problem)
        raise
    _remember(visit, participant_id, participation.get("program_name", ""), status)
    return see_other(f"/participations/{participant_id}/erasure")


@router.get("/participations/{participant_id}/erasure")
async def erasure(visit: PersonDep, participant_id: UUID, seen: int | None = None) -> Response:
    """``seen``: how many confirmations the page showed (an enhanced poll): none new, nothing to swap (204)."""
    kept = _erasures(visit).get(str(participant_id))
    try:
        status: dict[str, Any] | None = await visit.profile.erasure(participant_id)
    except ApiProblem as problem:
        if problem.status not in (403, 404):
            raise
        status = None
    if status is None and kept is None:
        return page(
            visit,
            "settings/erasure.html",
            status=404,
            erasure=None,
            program="",
            rows=[],
            confirmed=0,
            participant_id=participant_id,
        )
    if status is not None:
        _remember(visit, participant_id, (kept or {}).get("program", ""), status)
    rows = _rows(status)
    confirmed = sum(1 for row in rows if row["confirmed_at"])
    context = {
        "erasure": status,
        "program": (kept or {}).get("program", ""),
        "rows": rows,
        "confirmed": confirmed,
        "participant_id": participant_id,
    }
    if mine.is_enhanced(visit):
        if seen == confirmed and status is not None and not status.get("complete"):
            return Response(status_code=204)
        return fragment(visit, "settings/erasure.html", "status", request=visit.request, **context)
    return page(visit, "settings/erasure.html", form=failures.restore(visit, visit.request.url.path), **context)


def _erasures(visit: Visit) -> dict[str, dict[str, Any]]:
    return visit.session.data.get("erasures") or {}


def _remember(visit: Visit, participant_id: UUID, program: str, status: dict[str, Any]) -> None:
    """Which of theirs they erased, for this session: the program's name (profile forgets whose it was)
    and whether every service confirmed, so the settings page can point to the status."""
    erasures = visit.session.data.setdefault("erasures", {})
    entry = {
        "program": program,
        "complete": bool(status.get("complete")),
        "requested_at": status.get("requested_at") or datetime.now(UTC).isoformat(),
    }
    if erasures.get(str(participant_id)) != entry:
        erasures[str(participant_id)] = entry
        visit.session.changed = True


def _rows(status: dict[str, Any] | None) -> list[dict[str, Any]]:
    """One row per service holding personal data, in a fixed order, with what it erased in words."""
    found = {item.get("service"): item for item in (status or {}).get("confirmations") or []}
    names = [*SERVICES, *sorted(name for name in found if name not in SERVICES)]
    return [
        {
            "service": name,
            "label": _service_label(name),
            "confirmed_at": (found.get(name) or {}).get("confirmed_at"),
            "erased": [_erased_label(words) for words in (found.get(name) or {}).get("erased") or []],
        }
        for name in names
    ]


def _service_label(name: str) -> str:
    return {
        "profile": _("Profiles"),
        "matching": _("Matching"),
        "scheduling": _("Sessions and calendars"),
        "notify": _("Notifications"),
    }.get(name, name)


def _erased_label(words: str) -> str:
    """What a service says it erased: in the visitor's language when it is one of the phrases known here."""
    return {
        "name and email": _("name and email"),
        "name and email address": _("name and email address"),
        "profile free text": _("what you wrote in your profile"),
        "reason for leaving": _("your reason for leaving"),
        "account link": _("the link to your sign-in account"),
        "reflection notes": _("your reflection notes"),
        "reasons given for cancelling": _("your reasons for cancelling sessions"),
        "match reasons and the reasons given for declining or ending": _(
            "match reasons, and your reasons for declining or ending a match"
        ),
        "published events kept in the outbox": _("copies of messages between the services"),
        "notification contents and addresses": _("the contents and addresses of your notifications"),
        "mentions in others' notifications": _("mentions of you in other people's notifications"),
        "agreements' goals and expectations": _("the goals and expectations in your agreements"),
        "calendar feed": _("your private calendar link"),
    }.get(words, words)
