"""The institution's admins: the audit trail of every service in one list, erasure requests with each
service's confirmation, and health rolled up across the institution's programs and campuses.

The audit trail is four trails (each service keeps the actions it took): a page asks each for its
newest entries before its own cursor, merges them by time and shows the newest; the next page's cursor
holds, per service, the last entry shown from it. No entry is skipped or shown twice."""

import asyncio
from datetime import datetime
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from mesh_web import charts
from mesh_web.api.base import ApiProblem
from mesh_web.i18n import gettext as _
from mesh_web.pages.console.health import number, tables_of
from mesh_web.pages.pairing import local_moment, not_found
from mesh_web.rendering import Form, page
from mesh_web.visit import AdminDep, Visit

router = APIRouter()
SERVICES = ("profile", "matching", "scheduling", "notify")
PAGE = 50


@router.get("/console/audit")
async def audit(
    visit: AdminDep, action: str = "", actor: str = "", resource: str = "", since: str = "", until: str = "", before: str = ""
) -> Response:
    form = Form(
        values={
            "action": action.strip()[:80],
            "actor": actor.strip()[:200],
            "resource": resource.strip()[:200],
            "since": since,
            "until": until,
        }
    )
    filters = {name: value for name, value in form.values.items() if value}
    bounds = {name: _moment(form, name, visit) for name in ("since", "until")}
    cursors = _cursors(before)
    entries: list[dict[str, Any]] = []
    if form.ok:
        try:
            found = await asyncio.gather(
                *(
                    getattr(visit, service).audit(
                        before=cursors.get(service),
                        limit=PAGE,
                        action=form.values["action"] or None,
                        actor=form.values["actor"] or None,
                        resource=form.values["resource"] or None,
                        **bounds,
                    )
                    for service in SERVICES
                )
            )
        except ApiProblem as problem:
            if problem.status == 403:
                raise not_found() from problem
            form.error("action", _("These filters cannot be read: %(reason)s", reason=problem.detail))
            found = [[] for _service in SERVICES]
        merged = sorted(
            ((service, entry) for service, listed in zip(SERVICES, found, strict=True) for entry in listed),
            key=lambda item: _when(item[1]),
            reverse=True,
        )
        entries = merged[:PAGE]
        following = dict(cursors)
        for service, entry in entries:
            following[service] = entry["audit_id"]
        more = len(merged) > PAGE or any(len(listed) == PAGE for listed in found)
        next_cursor = _cursor_text(following) if more else None
    else:
        next_cursor = None
    return page(
        visit,
        "console/audit.html",
        status=200 if form.ok else 422,
        form=form,
        entries=entries,
        filters=filters,
        next_cursor=next_cursor,
        before=before,
        service_names=_service_names(),
    )


@router.get("/console/erasures")
async def erasures(visit: AdminDep, state: str = "", before: str = "") -> Response:
    chosen = state if state in ("pending", "complete") else None
    try:
        found = await visit.profile.erasures(state=chosen, before=before or None)
    except ApiProblem as problem:
        if problem.status == 403:
            raise not_found() from problem
        if problem.status != 422:
            raise
        found = {"erasures": [], "next": None}
    return page(visit, "console/erasures.html", found=found, state=chosen or "", before=before, service_names=_service_names())


@router.get("/console/institution")
async def institution(visit: AdminDep) -> Response:
    try:
        health = await visit.matching.institution_health()
    except ApiProblem as problem:
        if problem.status in (403, 404):
            raise not_found() from problem
        raise
    programs = {item["program_id"]: item.get("name") or item["program_id"] for item in await visit.profile.programs()}
    whole = health["institution"]
    tables = tables_of({"campuses": [item["figures"] | {"campus": item["campus"]} for item in health["campuses"]]}, whole)
    funnel = [
        charts.Bar(str(row["label"]), float(row["values"][0] or 0), number(row["values"][0])) for row in tables["funnel"]["rows"]
    ]
    return page(
        visit,
        "console/institution.html",
        health=health,
        programs=programs,
        tables=tables,
        number=number,
        funnel=charts.bars("chart-institution-funnel", _("From joining to an active pair, every program"), funnel),
    )


def _moment(form: Form, name: str, visit: Visit) -> str | None:
    """A ``datetime-local`` bound read in the admin's zone, as the ISO moment the services take."""
    text = form.values.get(name) or ""
    if not text:
        return None
    moment = local_moment(text, visit.zone_name)
    if moment is None:
        form.error(name, _("Enter a date and time, such as 2026-12-01 09:00."))
        return None
    return moment.isoformat()


def _cursors(text: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for part in text.split(","):
        service, _sep, value = part.partition(":")
        if service in SERVICES and value.isdigit():
            found[service] = int(value)
    return found


def _cursor_text(cursors: dict[str, int]) -> str:
    return ",".join(f"{service}:{cursors[service]}" for service in SERVICES if service in cursors)


def _service_names() -> dict[str, str]:
    return {"profile": _("Profiles"), "matching": _("Matching"), "scheduling": _("Scheduling"), "notify": _("Notifications")}


def _when(entry: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(entry["at"])
