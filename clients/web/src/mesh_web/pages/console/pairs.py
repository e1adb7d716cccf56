"""What a coordinator does to pairs by hand: propose two people to each other (matching scores the pair
first and the page shows the score, its reasons and any warning before anything is sent), nudge a pair,
end one with a reason."""

from typing import Any
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import Response

from mesh_web.api.base import ApiProblem
from mesh_web.i18n import gettext as _
from mesh_web.pages import profile_choices
from mesh_web.pages.console.participants import participant_of, state_names
from mesh_web.pages.console.program_pages import program_of
from mesh_web.pages.pairing import check_text, not_found, posted, text_of
from mesh_web.rendering import Form, flash, page, see_other
from mesh_web.visit import StaffDep, Visit

router = APIRouter()
NOTE_MOST = 500


def warning_names() -> dict[str, str]:
    """What a coordinator overrides by pairing two people by hand, in their words (matching's codes)."""
    return {
        "no-shared-language": _("They share no language."),
        "no-shared-topic": _("They share no topic."),
        "different-campuses": _("They are on different campuses."),
        "time-zone-gap": _("Their time zones are far apart."),
        "nothing-in-common": _("They have nothing in common."),
        "no-meeting-mode": _("They cannot meet the same way (online or in person)."),
        "too-little-shared-time": _("They are free at the same time for too few hours."),
        "no-shared-availability": _("They are never free at the same time."),
        "either-could-mentor": _("Either could mentor the other: the first chosen mentors."),
    }


def refusal_names() -> dict[str, str]:
    """Matching's refusals of a pair by hand, in the coordinator's words."""
    return {
        "same-person": _("Choose two different people."),
        "not-an-active-participant": _("One of them is not an active participant of this program."),
        "no-room": _("One of them has no room for another partner."),
        "pair-excluded": _("These two cannot be paired again: one declined the other, or their pair ended."),
        "already-matched": _("One of them already has an open match that allows no other."),
        "roles-do-not-fit": _("Neither of them can mentor the other in this program."),
        "program-closed": _("This program has closed."),
        "nudged-recently": _("This pair was nudged in the last day. Try again tomorrow."),
        "pair-not-formed": _("Only a pair that has formed can be nudged."),
        "pair-ended": _("This pair has ended."),
    }


@router.get("/console/programs/{program_id}/pair-by-hand")
async def pair_by_hand(
    visit: StaffDep, program_id: str, first: UUID | None = None, second: UUID | None = None, q: str = ""
) -> Response:
    program = await program_of(visit, program_id)
    return await _pair_page(visit, program, first, second, q.strip()[:120], Form())


@router.post("/console/programs/{program_id}/pair-by-hand")
async def propose(visit: StaffDep, program_id: str, first: UUID, second: UUID) -> Response:
    program = await program_of(visit, program_id)
    values = await posted(visit)
    form = Form(values=values)
    note = text_of(values, "note")
    check_text(form, "note", note, NOTE_MOST, multi_line=True)
    if not form.ok:
        return await _pair_page(visit, program, first, second, "", form, status=422)
    try:
        made = await visit.matching.propose_by_hand(program_id, [first, second], dry_run=False, note=note or None)
    except ApiProblem as problem:
        _refused(form, problem, "note")
        return await _pair_page(visit, program, first, second, "", form, status=409 if problem.status == 409 else 422)
    names = " & ".join(person["display_name"] for person in made.get("participants") or [])
    flash(visit, _("Proposed: %(names)s. Both are told and may accept or decline.", names=names))
    return see_other(f"/console/programs/{program_id}/participants/{first}")


async def _pair_page(
    visit: Visit, program: dict[str, Any], first: UUID | None, second: UUID | None, q: str, form: Form, status: int = 200
) -> Response:
    """Choose the first person, then the second, then see the pair as matching scores it."""
    context: dict[str, Any] = {
        "program": program,
        "q": q,
        "first": None,
        "second": None,
        "candidates": None,
        "pair": None,
        "state_names": state_names(),
        "role_names": profile_choices.role_names(),
        "warning_names": warning_names(),
    }
    if first is not None:
        context["first"] = await participant_of(visit, program["program_id"], first)
    if second is not None and first is not None:
        context["second"] = await participant_of(visit, program["program_id"], second)
        try:
            context["pair"] = await visit.matching.propose_by_hand(program["program_id"], [first, second], dry_run=True)
        except ApiProblem as problem:
            _refused(form, problem, "second")
    else:  # choose the first, or the second: by name, else among those waiting for a partner
        found = await visit.matching.participants(
            program["program_id"], q=q or None, campus=None, role=None, state="waiting" if not q else None, after=None, limit=20
        )
        context["candidates"] = [item for item in found["participants"] if item["participant_id"] != str(first)]
    return page(visit, "console/pair_by_hand.html", status=status, form=form, **context)


def _refused(form: Form, problem: ApiProblem, field: str) -> None:
    if problem.status in (403, 404):
        raise not_found() from problem
    form.error(field, refusal_names().get(problem.short_kind, problem.detail))


@router.get("/console/programs/{program_id}/pairs/{match_id}/{action}")
async def pair_action_form(visit: StaffDep, program_id: str, match_id: UUID, action: str, participant: UUID) -> Response:
    program, person, match = await _pair_of(visit, program_id, match_id, participant, action)
    return page(visit, "console/pair_action.html", program=program, person=person, match=match, action=action)


@router.post("/console/programs/{program_id}/pairs/{match_id}/{action}")
async def pair_action(visit: StaffDep, program_id: str, match_id: UUID, action: str, participant: UUID) -> Response:
    program, person, match = await _pair_of(visit, program_id, match_id, participant, action)
    values = await posted(visit)
    form = Form(values=values)
    text = text_of(values, "message")
    check_text(
        form,
        "message",
        text,
        NOTE_MOST if action == "nudge" else 1000,
        multi_line=True,
        missing=_("Say why the pair ends: both partners read it.") if action == "end" else None,
    )
    if form.ok:
        try:
            if action == "nudge":
                await visit.matching.nudge(match_id, text or None)
            else:
                await visit.matching.end_pair(match_id, participant, text)
        except ApiProblem as problem:
            _refused(form, problem, "message")
    if not form.ok:
        return page(
            visit, "console/pair_action.html", status=422, form=form, program=program, person=person, match=match, action=action
        )
    flash(visit, _("The pair is nudged: both get a note from you.") if action == "nudge" else _("The pair has ended."))
    return see_other(f"/console/programs/{program_id}/participants/{participant}")


async def _pair_of(
    visit: Visit, program_id: str, match_id: UUID, participant: UUID, action: str
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    if action not in ("nudge", "end"):
        raise not_found()
    program = await program_of(visit, program_id)
    person = await participant_of(visit, program_id, participant)
    match = next((item for item in person.get("matches") or [] if item.get("match_id") == str(match_id)), None)
    if match is None:
        raise not_found()
    return program, person, match
