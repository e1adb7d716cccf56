"""The pair's page: who the partner is (what the platform shares of them), the agreement (propose a
version, confirm the partner's), the series of sessions in the participant's zone with their actions
(pages in ``pair_sessions``), and the private calendar link.

The agreement's rules are scheduling's: one of a formed pair proposes a version; it holds once the
other confirms it; a later version replaces it the same way."""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import Response

from mesh_web.api.base import ApiProblem
from mesh_web.failures import restore
from mesh_web.i18n import gettext as _
from mesh_web.pages import pair_sessions
from mesh_web.pages.pairing import Pair, check_text, load_pair, not_found, posted, refused, text_of
from mesh_web.rendering import Form, flash, page, see_other
from mesh_web.visit import PersonDep, Visit

router = APIRouter()
router.include_router(pair_sessions.router)
CADENCES = ("weekly", "biweekly", "monthly", "as_needed")
MODES = ("online", "in_person")
MAX_GOALS, MAX_EXPECTATIONS, TEXT_LIMIT = 20, 20, 500
AGREEMENT_FIELDS = {"expectations", "cadence", "meeting_mode", "session_minutes", "runs_until"}


@router.get("/pairs/{match_id}")
async def pair_page(visit: PersonDep, match_id: UUID) -> Response:
    pair, ((agreements, sessions),) = await load_pair(visit, match_id, visit.scheduling.schedule(match_id))
    versions = agreements.get("versions") or []
    holding = next((v for v in reversed(versions) if v["status"] == "confirmed"), None)
    waiting = next((v for v in reversed(versions) if v["status"] == "proposed"), None)
    progress: dict[int, dict[str, Any]] = {}
    for row in sorted(agreements.get("goal_progress") or [], key=lambda row: row["recorded_at"]):
        progress[row["goal"]] = row  # the latest, by either of the pair
    links = visit.session.data.get("calendar_links") or {}
    return page(
        visit,
        "pair/page.html",
        pair=pair,
        match=pair.match,
        me=pair.me,
        partner=pair.partner,
        holding=holding,
        waiting=waiting,
        progress=progress,
        sessions=sessions,
        calendar_url=links.get(str(pair.my_id)),
    )


@router.get("/pairs/{match_id}/agreement")
async def agreement_form(visit: PersonDep, match_id: UUID) -> Response:
    pair, ((agreements, sessions),) = await load_pair(visit, match_id, visit.scheduling.schedule(match_id))
    form = restore(visit, visit.request.url.path) or Form(values=_terms_as_fields(agreements, sessions))
    return _agreement_page(visit, pair, form)


@router.post("/pairs/{match_id}/agreement")
async def propose_agreement(visit: PersonDep, match_id: UUID) -> Response:
    values = await posted(visit)
    pair, _more = await load_pair(visit, match_id)
    form = Form(values=values)
    if "more_goals" in values:  # another row for a goal, without JavaScript: the same form, one row longer
        return _agreement_page(visit, pair, form, rows=_rows(values) + 1)
    terms = _terms(form, values)
    if form.ok:
        try:
            await visit.scheduling.propose_agreement(match_id, pair.my_id, terms)
        except ApiProblem as problem:
            goal_fields = {f"goals.{i}.{part}" for i in range(_rows(values)) for part in ("description", "target_date")}
            refused(
                form,
                problem,
                general="agreement-form",
                fields=AGREEMENT_FIELDS | goal_fields,
                kinds={"pair-not-formed": ("agreement-form", _("Only a pair both of you accepted has an agreement."))},
            )
        else:
            flash(visit, _("You proposed the agreement. It holds once your partner confirms it."))
            return see_other(f"/pairs/{match_id}#agreement")
    return _agreement_page(visit, pair, form, status=422, rows=_rows(values))


def _agreement_page(visit: Visit, pair: Pair, form: Form, status: int = 200, rows: int | None = None) -> Response:
    if not pair.formed:
        raise not_found()
    rows = min(MAX_GOALS, rows or max(_rows(form.values) + 1, 3))  # one empty row past those filled in
    return page(
        visit,
        "pair/agreement.html",
        status=status,
        form=form,
        pair=pair,
        match=pair.match,
        partner=pair.partner,
        rows=rows,
        max_goals=MAX_GOALS,
        cadences=CADENCES,
        modes=MODES,
    )


def _rows(values: dict[str, Any]) -> int:
    """How many goal rows the values fill: all the rows posted, or the goals read from the agreement."""
    numbers = [int(key.split(".")[1]) for key in values if key.startswith("goals.") and key.split(".")[1].isdigit()]
    return min(MAX_GOALS, max(numbers, default=-1) + 1)


def _terms(form: Form, values: dict[str, Any]) -> dict[str, Any]:
    """The agreement's terms from the form, each field checked as scheduling will."""
    goals = []
    for index in range(_rows(values)):
        name, when = f"goals.{index}.description", f"goals.{index}.target_date"
        description, target = text_of(values, name), text_of(values, when)
        if not description and not target:
            continue
        if not description:
            form.error(name, _("Describe the goal, or clear its date."))
        check_text(form, name, description, TEXT_LIMIT)
        target_date = _date(form, when, target)
        goals.append({"description": description, "target_date": target_date})
    if not goals:
        form.error("goals.0.description", _("Write at least one goal you work towards together."))
    lines = [line.strip() for line in text_of(values, "expectations").split("\n") if line.strip()]
    if len(lines) > MAX_EXPECTATIONS:
        form.error("expectations", _("Write at most %(limit)s expectations, one a line.", limit=MAX_EXPECTATIONS))
    for line in lines:
        check_text(form, "expectations", line, TEXT_LIMIT)
    cadence, mode = text_of(values, "cadence"), text_of(values, "meeting_mode")
    if cadence not in CADENCES:
        form.error("cadence", _("Choose how often you meet."))
    if mode not in MODES:
        form.error("meeting_mode", _("Choose how you meet."))
    minutes = text_of(values, "session_minutes")
    if not minutes.isdigit() or not 15 <= int(minutes) <= 240:
        form.error("session_minutes", _("Enter a length between 15 and 240 minutes, in whole minutes."))
    return {
        "goals": goals,
        "expectations": lines,
        "cadence": cadence,
        "meeting_mode": mode,
        "session_minutes": int(minutes) if minutes.isdigit() else None,
        "runs_until": _date(form, "runs_until", text_of(values, "runs_until")),
    }


def _date(form: Form, name: str, text: str) -> str | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        form.error(name, _("Enter a real date, such as 2027-06-30."))
        return None


def _terms_as_fields(agreements: dict[str, Any], sessions: list[dict[str, Any]]) -> dict[str, Any]:
    """The form filled in from the latest version (or the pair's sessions, before there is one)."""
    versions = agreements.get("versions") or []
    if versions:
        latest = versions[-1]
        values: dict[str, Any] = {
            "expectations": "\n".join(latest.get("expectations") or []),
            "cadence": latest["cadence"],
            "meeting_mode": latest["meeting_mode"],
            "session_minutes": str(latest["session_minutes"]),
            "runs_until": latest.get("runs_until") or "",
        }
        for index, goal in enumerate(latest.get("goals") or []):
            values[f"goals.{index}.description"] = goal["description"]
            values[f"goals.{index}.target_date"] = goal.get("target_date") or ""
        return values
    if sessions:
        last = sessions[-1]
        minutes = int((datetime.fromisoformat(last["ends_at"]) - datetime.fromisoformat(last["starts_at"])).total_seconds() // 60)
        return {
            "cadence": last.get("cadence", "weekly"),
            "meeting_mode": last.get("meeting_mode", "online"),
            "session_minutes": str(minutes),
        }
    return {"cadence": "weekly", "meeting_mode": "online", "session_minutes": "60"}


@router.post("/pairs/{match_id}/agreement/{version}/confirm")
async def confirm_agreement(visit: PersonDep, match_id: UUID, version: int) -> Response:
    pair, _more = await load_pair(visit, match_id)
    try:
        await visit.scheduling.confirm_agreement(match_id, version, pair.my_id)
    except ApiProblem as problem:
        if problem.status in (403, 404):
            raise not_found() from problem
        flash(visit, _("That version no longer waits for your confirmation: the page shows where the agreement stands now."))
    else:
        flash(visit, _("You confirmed the agreement: from now on it holds."))
    return see_other(f"/pairs/{match_id}#agreement")


@router.post("/pairs/{match_id}/calendar-link")
async def make_calendar_link(visit: PersonDep, match_id: UUID) -> Response:
    pair, _more = await load_pair(visit, match_id)
    try:
        made = await visit.scheduling.make_calendar_link(pair.my_id)
    except ApiProblem as problem:
        if problem.status == 404:  # scheduling knows of no pair of theirs yet
            flash(visit, _("Your calendar link can be made once your pair's first session is planned."))
            return see_other(f"/pairs/{match_id}#calendar")
        raise not_found() from problem
    links = visit.session.data.setdefault("calendar_links", {})
    links[str(pair.my_id)] = made["url"]
    visit.session.changed = True
    flash(visit, _("Your new calendar link is ready. Any link you made before no longer works."))
    return see_other(f"/pairs/{match_id}#calendar")


@router.post("/pairs/{match_id}/calendar-link/revoke")
async def revoke_calendar_link(visit: PersonDep, match_id: UUID) -> Response:
    pair, _more = await load_pair(visit, match_id)
    try:
        await visit.scheduling.revoke_calendar_link(pair.my_id)
    except ApiProblem as problem:
        if problem.status != 404:
            raise not_found() from problem
        flash(visit, _("You had no calendar link: there was nothing to revoke."))
    else:
        flash(visit, _("Your calendar link is revoked: calendars that use it no longer see your sessions."))
    (visit.session.data.get("calendar_links") or {}).pop(str(pair.my_id), None)
    visit.session.changed = True
    return see_other(f"/pairs/{match_id}#calendar")
