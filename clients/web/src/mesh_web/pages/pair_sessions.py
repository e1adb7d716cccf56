"""A pair's session, each action on its own small page: move it (at once inside both availabilities,
else once the partner confirms), confirm the partner's new time, cancel it with a reason, or record it
as done with a reflection and progress on the agreement's goals. Every form posts, then goes back to
the pair's page with a message; a refusal re-renders the form with the message beside its field."""

from typing import Any
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import Response

from mesh_web.api.base import ApiProblem
from mesh_web.failures import restore
from mesh_web.i18n import gettext as _
from mesh_web.i18n import when
from mesh_web.pages.pairing import Pair, check_text, input_moment, load_pair, local_moment, not_found, posted, refused, text_of
from mesh_web.rendering import Form, flash, page, see_other
from mesh_web.visit import PersonDep, Visit

router = APIRouter(prefix="/pairs/{match_id}/sessions/{session_id}")
ACTIONS = {"move": "pair/move.html", "cancel": "pair/cancel.html", "complete": "pair/complete.html"}
OPEN_TO = {"move": ("scheduled",), "cancel": ("scheduled",), "complete": ("scheduled", "missed")}


def _not_upcoming() -> dict[str, tuple[str, str]]:
    return {
        "session-not-upcoming": (
            "session-form",
            _("This session is no longer upcoming: it was recorded, cancelled or missed meanwhile."),
        )
    }


async def _load(visit: Visit, match_id: UUID, session_id: UUID, *also: Any) -> tuple[Pair, dict[str, Any], list[Any]]:
    pair, (session, *more) = await load_pair(visit, match_id, visit.scheduling.session(session_id), *also)
    if str(session.get("match_id")) != str(match_id):
        raise not_found()
    return pair, session, more


async def _form_page(
    visit: Visit, action: str, match_id: UUID, session_id: UUID, form: Form | None = None, status: int = 200
) -> Response:
    pair, ((agreements, sessions),) = await load_pair(visit, match_id, visit.scheduling.schedule(match_id))
    session = next((one for one in sessions if str(one.get("session_id")) == str(session_id)), None)
    if session is None:  # not this pair's session
        raise not_found()
    if form is None:
        form = restore(visit, visit.request.url.path) or Form(
            values={"starts_at": input_moment(session["starts_at"])} if action == "move" else {}
        )
    versions = agreements.get("versions") or []
    holding = next((v for v in reversed(versions) if v["status"] == "confirmed"), None)
    return page(
        visit,
        ACTIONS[action],
        status=status,
        form=form,
        pair=pair,
        match=pair.match,
        partner=pair.partner,
        session=session,
        open=session["status"] in OPEN_TO[action],
        goals=(holding or {}).get("goals") or [],
        zone_name=visit.zone_name,
    )


@router.get("/{action}")
async def session_form(visit: PersonDep, match_id: UUID, session_id: UUID, action: str) -> Response:
    if action not in ACTIONS:
        raise not_found()
    return await _form_page(visit, action, match_id, session_id)


@router.post("/move")
async def move(visit: PersonDep, match_id: UUID, session_id: UUID) -> Response:
    values = await posted(visit)
    form = Form(values=values)
    pair, _session, _more = await _load(visit, match_id, session_id)
    starts_at = local_moment(text_of(values, "starts_at"), visit.zone_name)
    if starts_at is None:
        form.error("starts_at", _("Enter the new date and time, such as 2027-03-18 17:30."))
    else:
        try:
            moved = await visit.scheduling.reschedule(session_id, pair.my_id, starts_at)
        except ApiProblem as problem:
            refused(
                form,
                problem,
                general="session-form",
                fields={"starts_at"},
                kinds={**_not_upcoming(), "session-not-movable": ("starts_at", _("Choose a time still to come."))},
            )
        else:
            if moved.get("proposed_move"):
                flash(
                    visit,
                    _(
                        "You proposed %(time)s. The session moves once your partner confirms it.",
                        time=when(moved["proposed_move"]["starts_at"]),
                    ),
                )
            else:
                flash(visit, _("The session moved to %(time)s.", time=when(moved["starts_at"])))
            return see_other(f"/pairs/{match_id}#sessions")
    return await _form_page(visit, "move", match_id, session_id, form, status=422)


@router.post("/move/confirm")
async def confirm_move(visit: PersonDep, match_id: UUID, session_id: UUID) -> Response:
    pair, _session, _more = await _load(visit, match_id, session_id)
    try:
        moved = await visit.scheduling.confirm_reschedule(session_id, pair.my_id)
    except ApiProblem as problem:
        if problem.status in (403, 404):
            raise not_found() from problem
        flash(visit, _("No new time waits for your confirmation any more: the page shows the session as it is now."))
    else:
        flash(visit, _("You confirmed the new time: the session is on %(time)s.", time=when(moved["starts_at"])))
    return see_other(f"/pairs/{match_id}#sessions")


@router.post("/cancel")
async def cancel(visit: PersonDep, match_id: UUID, session_id: UUID) -> Response:
    values = await posted(visit)
    form = Form(values=values)
    pair, _session, _more = await _load(visit, match_id, session_id)
    reason = text_of(values, "reason")
    check_text(form, "reason", reason, 1000, multi_line=True, missing=_("Say why you cancel the session: your partner reads it."))
    if form.ok:
        try:
            await visit.scheduling.cancel(session_id, pair.my_id, reason)
        except ApiProblem as problem:
            refused(form, problem, general="session-form", fields={"reason"}, kinds=_not_upcoming())
        else:
            flash(visit, _("The session is cancelled, and the next one in your series is planned."))
            return see_other(f"/pairs/{match_id}#sessions")
    return await _form_page(visit, "cancel", match_id, session_id, form, status=422)


@router.post("/complete")
async def complete(visit: PersonDep, match_id: UUID, session_id: UUID) -> Response:
    values = await posted(visit)
    form = Form(values=values)
    pair, _session, _more = await _load(visit, match_id, session_id)
    rating = text_of(values, "progress_rating")
    if rating not in {"1", "2", "3", "4", "5"}:
        form.error("progress_rating", _("Choose how much progress the session made."))
    notes = text_of(values, "notes")
    check_text(
        form,
        "notes",
        notes,
        4000,
        multi_line=True,
        missing=_("Write your reflection: a few words on what you did and took from the session."),
    )
    progress: dict[int, int] = {}
    for key in values:
        if key.startswith("goal_progress.") and key.split(".")[1].isdigit():
            text = text_of(values, key)
            if not text:
                continue
            if not text.isdigit() or not 0 <= int(text) <= 100:
                form.error(key, _("Enter a whole number from 0 to 100."))
            else:
                progress[int(key.split(".")[1])] = int(text)
    if form.ok:
        try:
            await visit.scheduling.complete(session_id, pair.my_id, int(rating), notes, progress)
        except ApiProblem as problem:
            refused(
                form,
                problem,
                general="session-form",
                fields={"progress_rating", "notes"},
                kinds={
                    **_not_upcoming(),
                    "unknown-goal": ("session-form", _("The agreement's goals changed meanwhile: check them and try again.")),
                },
            )
        else:
            flash(visit, _("The session is recorded as done, with your reflection. Thank you."))
            return see_other(f"/pairs/{match_id}#sessions")
    return await _form_page(visit, "complete", match_id, session_id, form, status=422)
