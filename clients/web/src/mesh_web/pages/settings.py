"""Settings: what mail a participant wants and their quiet hours (notify's preferences, one participation
at a time, or all at once), the display language, and, for each participation, the ways to leave the
program and to erase their data (pages in ``leaving``)."""

import re
from typing import Any
from uuid import UUID

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response

from mesh_web import failures
from mesh_web.api.base import ApiProblem
from mesh_web.i18n import gettext as _
from mesh_web.pages import leaving, mine
from mesh_web.rendering import Form, flash, page, see_other
from mesh_web.visit import PersonDep, Visit

router = APIRouter()
router.include_router(leaving.router)
TIME = re.compile(r"^([01]?[0-9]|2[0-3]):([0-5][0-9])(:[0-5][0-9])?$")


@router.get("/settings")
async def settings(visit: PersonDep, participant: UUID | None = None) -> Response:
    kept = failures.restore(visit, visit.request.url.path)
    if kept is not None and participant is None and kept.value("participant"):  # the program the kept form was for
        participant = _uuid(str(kept.value("participant")))
    return await _render(visit, participant, kept)


@router.post("/settings")
async def save_settings(visit: PersonDep) -> Response:
    form = await mine.posted(visit, "kinds")
    active = [item for item in await mine.participations(visit) if item["state"] == "active"]
    chosen = mine.find(active, form.value("participant"))
    if chosen is None:
        raise HTTPException(404)
    enabled = [kind for kind in form.values_of("kinds") if kind in mine.KINDS]
    quiet = _quiet_hours(form)
    if not form.ok:
        return await _render(visit, UUID(chosen["participant_id"]), form, status=422)
    body = {"preferences": [{"kind": kind, "enabled": kind in enabled, "quiet_hours": quiet} for kind in mine.KINDS]}
    targets = active if form.value("apply_all") and len(active) > 1 else [chosen]
    for target in targets:
        try:
            await visit.notify.set_preferences(UUID(target["participant_id"]), body)
        except ApiProblem as problem:
            _refused(form, problem, target)
            return await _render(visit, UUID(chosen["participant_id"]), form, status=422)
    flash(
        visit,
        _("Your mail settings are saved.") if len(targets) == 1 else _("Your mail settings are saved for all your programs."),
    )
    return see_other(f"/settings?participant={chosen['participant_id']}")


async def _render(visit: Visit, participant: UUID | None, form: Form | None, status: int = 200) -> Response:
    everyone = await mine.participations(visit)
    active = [item for item in everyone if item["state"] == "active"]
    chosen = mine.find(active, participant) if participant else (active[0] if active else None)
    if participant and chosen is None:
        raise HTTPException(404)
    current: dict[str, Any] = {
        "kinds": list(mine.KINDS),
        "quiet_start": "",
        "quiet_end": "",
        "mixed": False,
        "time_zone": None,
        "ready": True,
    }
    if chosen is not None:
        try:
            current = _current(await visit.notify.preferences(UUID(chosen["participant_id"])))
        except ApiProblem as problem:
            if problem.status != 404:
                raise
            current["ready"] = False  # notify has not heard of this participation yet
    erasures = visit.session.data.get("erasures") or {}
    return page(
        visit,
        "settings/settings.html",
        status=status,
        form=form,
        participations=everyone,
        active=active,
        chosen=chosen,
        current=current,
        erasures=erasures,
        kinds=[(kind, mine.kind_label(kind), mine.kind_hint(kind)) for kind in mine.KINDS],
        language_names={"en": "English", "es": "Español"},
    )


def _current(preferences: dict[str, Any]) -> dict[str, Any]:
    """Notify's preferences as the form shows them: quiet hours are one setting here, kept for every kind."""
    items = preferences.get("preferences") or []
    quiet = [
        (item["quiet_hours"]["start"][:5], item["quiet_hours"]["end"][:5]) if item.get("quiet_hours") else None for item in items
    ]
    shown = next((hours for hours in quiet if hours), None)
    by_kind = {item["kind"]: item for item in items}
    return {
        "kinds": [kind for kind in mine.KINDS if by_kind.get(kind, {}).get("enabled", True)],
        "quiet_start": shown[0] if shown else "",
        "quiet_end": shown[1] if shown else "",
        "mixed": len(set(quiet)) > 1,
        "time_zone": preferences.get("time_zone"),
        "ready": True,
    }


def _quiet_hours(form: Form) -> dict[str, str] | None:
    """Both times, or neither (no quiet hours); each a time of day; not the same."""
    start, end = str(form.value("quiet_start")), str(form.value("quiet_end"))
    if not start and not end:
        return None
    if not start:
        form.error("quiet_start", _("Enter when your quiet hours start, or leave both times empty for none"))
    elif not TIME.match(start):
        form.error("quiet_start", _("Enter the start as a time of day, like 22:00"))
    if not end:
        form.error("quiet_end", _("Enter when your quiet hours end, or leave both times empty for none"))
    elif not TIME.match(end):
        form.error("quiet_end", _("Enter the end as a time of day, like 07:00"))
    if form.ok and _hhmm(start) == _hhmm(end):
        form.error("quiet_end", _("Quiet hours must end at a different time from when they start"))
    return {"start": _hhmm(start), "end": _hhmm(end)} if form.ok else None


def _uuid(value: str) -> UUID | None:
    try:
        return UUID(value)
    except ValueError:
        return None


def _hhmm(value: str) -> str:
    hours, minutes = value.split(":")[:2]
    return f"{int(hours):02d}:{minutes}"


def _refused(form: Form, problem: ApiProblem, target: dict[str, Any]) -> None:
    """Notify's refusal, on the field it concerns."""
    if problem.status == 404:
        form.error(
            "kinds",
            _("Mail settings for %(program)s are not ready yet: try again in a minute.", program=target.get("program_name", "")),
        )
        return
    if problem.status == 403:
        raise HTTPException(404) from problem
    for location, message in problem.field_errors().items():
        name = ("quiet_end" if location.endswith(".end") else "quiet_start") if "quiet_hours" in location else "kinds"
        form.error(name, _("This could not be saved: %(reason)s", reason=message))
    if form.ok:
        form.error("kinds", _("This could not be saved: %(reason)s", reason=problem.detail))
