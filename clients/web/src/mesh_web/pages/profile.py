"""A participant's own profile, to change: name, topics and roles, languages, how and when they meet (a
weekly grid in their own time zone), their answers to the program's questions and their own words. What
their institution gave (affiliation, year, department, the program's other attributes) is shown, not
changed. Sent whole to profile's ``PUT /participants/{id}/profile``; refusals land beside the fields."""

from typing import Any
from uuid import UUID

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response

from mesh_web import failures
from mesh_web.api.base import ApiProblem
from mesh_web.i18n import gettext as _
from mesh_web.pages import profile_form, profile_refusals
from mesh_web.pages.profile_context import facts_of, form_context, remember_zone
from mesh_web.rendering import Form, flash, page, see_other
from mesh_web.visit import PersonDep, Visit

router = APIRouter()


@router.get("/participations/{participant_id}/profile")
async def profile_form_page(visit: PersonDep, participant_id: UUID) -> Response:
    participant, program = await _load(visit, participant_id)
    kept = failures.restore(visit, visit.request.url.path)
    if kept:
        return _page(visit, participant, program, profile_form.restored(kept))
    values, rounded = profile_form.values_of(participant["profile"], program)
    remember_zone(visit, participant["profile"].get("time_zone"))  # times on every page in their zone from now on
    return _page(visit, participant, program, Form(values=values), rounded=rounded)


@router.post("/participations/{participant_id}/profile")
async def change_profile(visit: PersonDep, participant_id: UUID) -> Response:
    participant, program = await _load(visit, participant_id)
    form = await profile_form.posted(visit.request)
    if participant.get("status") != "active":
        return _page(visit, participant, program, form, status=409)
    current = participant["profile"]
    fields = profile_form.checked(form, program, _campuses(visit, program, current))
    if not form.ok:
        return _page(visit, participant, program, form, status=422)
    body = fields | {
        "program_id": current["program_id"],
        "program_setting": current["program_setting"],
        "email": current["email"],
    }  # the facts left out: kept as the institution gave them
    try:
        await visit.profile.replace_profile(participant_id, body)
    except ApiProblem as problem:
        if problem.status == 404:
            raise HTTPException(404) from problem
        on_page = profile_refusals.fields_on_page(program, [fact["field"] for fact in facts_of(program, current)])
        profile_refusals.apply(form, problem, program, on_page)
        return _page(visit, participant, program, form, status=422)
    remember_zone(visit, fields["time_zone"])
    flash(visit, _("Your profile is saved."))
    return see_other(f"/participations/{participant_id}")


async def _load(visit: Visit, participant_id: UUID) -> tuple[dict[str, Any], dict[str, Any]]:
    """Their own participant and its program; anyone else's (a coordinator may read it) is not found here."""
    try:
        participant = await visit.profile.participant(participant_id)
    except ApiProblem as problem:
        if problem.status in (403, 404):
            raise HTTPException(404) from problem
        raise
    if participant.get("subject") != visit.who.subject or participant.get("status") == "erased":
        raise HTTPException(404)
    program_id = participant["profile"]["program_id"]
    try:
        program = await visit.program(program_id)
    except ApiProblem as problem:
        if problem.status not in (403, 404):
            raise
        program = {
            "program_id": program_id,
            "name": program_id,
            "topics": [],
            "custom_attributes": [],
            "joinable_roles": sorted({topic["role"] for topic in participant["profile"].get("topics") or []}),
        }
    return participant, program


def _campuses(visit: Visit, program: dict[str, Any], profile: dict[str, Any]) -> list[str]:
    """Their campuses the program runs on, and the one the profile is on."""
    offered = program.get("campuses") or [profile.get("campus")]
    found = [campus for campus in visit.who.campuses if campus in offered]
    return found if profile.get("campus") in found else [profile.get("campus"), *found]


def _page(
    visit: Visit, participant: dict[str, Any], program: dict[str, Any], form: Form, *, status: int = 200, rounded: bool = False
) -> Response:
    profile = participant["profile"]
    closed = participant.get("status") != "active"
    if closed and status == 409:
        form.error(profile_refusals.GENERAL, _("You left this program, so your profile there can no longer change."))
    campuses = _campuses(visit, program, profile)
    return page(
        visit,
        "profile/edit.html",
        status=status,
        form=form,
        participant=participant,
        program=program,
        program_name=program.get("name") or profile["program_id"],
        closed=closed,
        ctx=form_context(program, form, rounded),
        campuses=campuses,
        facts=_campus_fact(campuses, profile) + facts_of(program, profile),
        email=profile.get("email"),
    )


def _campus_fact(campuses: list[str], profile: dict[str, Any]) -> list[dict[str, Any]]:
    """With one campus to be on, it is shown with what the institution gave (a refusal naming it, beside it)."""
    if len(campuses) > 1:
        return []
    return [{"field": "campus", "label": _("Campus"), "words": True, "value": profile.get("campus")}]
