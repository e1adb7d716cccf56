"""The console's programs: the list a coordinator or admin starts from, one program's page, closing it,
and the preview of its registration page (what a participant joining will be asked)."""

from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response

from mesh_web.api.base import ApiProblem
from mesh_web.i18n import gettext as _
from mesh_web.pages import profile_choices, profile_form, profile_refusals
from mesh_web.pages.pairing import check_text, posted, text_of
from mesh_web.pages.profile_context import facts_of, form_context
from mesh_web.rendering import Form, flash, page, see_other
from mesh_web.visit import StaffDep, Visit

router = APIRouter()


@router.get("/console")
async def programs(visit: StaffDep) -> Response:
    found = sorted(await visit.profile.programs(), key=lambda item: (item.get("status") != "open", item["name"].casefold()))
    return page(visit, "console/programs.html", programs=found, **described({}))


@router.get("/console/programs/{program_id}")
async def program(visit: StaffDep, program_id: str) -> Response:
    found = await program_of(visit, program_id)
    return page(visit, "console/program.html", program=found, **described(found))


@router.get("/console/programs/{program_id}/close")
async def close_form(visit: StaffDep, program_id: str) -> Response:
    found = await program_of(visit, program_id)
    if found.get("status") != "open":
        return see_other(f"/console/programs/{program_id}")
    return page(visit, "console/program_close.html", program=found)


@router.post("/console/programs/{program_id}/close")
async def close(visit: StaffDep, program_id: str) -> Response:
    found = await program_of(visit, program_id)
    values = await posted(visit)
    form = Form(values=values)
    reason = text_of(values, "reason")
    check_text(form, "reason", reason, 500)
    if "yes" not in values.get("confirm", []) and values.get("confirm") != "yes":
        form.error("confirm", _("Tick the box to confirm that the program closes."))
    if not form.ok:
        return page(visit, "console/program_close.html", status=422, form=form, program=found)
    try:
        await visit.profile.close_program(program_id, reason or None)
    except ApiProblem as problem:
        if problem.status in (403, 404):
            form.error("confirm", _("Only an admin, or a coordinator of every campus the program runs on, may close it."))
            return page(visit, "console/program_close.html", status=403, form=form, program=found)
        raise
    flash(visit, _("%(program)s is closed.", program=found["name"]))
    return see_other(f"/console/programs/{program_id}")


async def program_of(visit: Visit, program_id: str) -> dict[str, Any]:
    """The program as its staff see it (not remembered: staff change it and must see their change)."""
    try:
        return await visit.profile.program(program_id)
    except ApiProblem as problem:
        if problem.status in (403, 404, 422):
            raise HTTPException(404) from problem
        raise


def registration_preview(visit: Visit, draft: dict[str, Any], back: str) -> Response:
    """The join form exactly as a participant would get it, from the draft (nothing is sent from it)."""
    program = {"status": "open", "program_id": draft.get("program_id", ""), **draft}
    form = Form(
        values=profile_form.newcomer(program, name="", language=visit.language, zone="UTC", campuses=list(program["campuses"]))
    )
    return page(
        visit,
        "console/program_preview.html",
        form=form,
        program=program,
        back=back,
        preview=True,
        blocked=None,
        ctx=form_context(program, form),
        campuses=list(program["campuses"]),
        facts=facts_of(program, None),
        rules=profile_refusals.rules(program),
        criteria=program.get("participation_criteria") or [],
    )


def described(program: dict[str, Any]) -> dict[str, Any]:
    """The words for a program's choices, in the visitor's language."""
    return {
        "setting_names": {"academic": _("Academic"), "workplace": _("Workplace"), "community": _("Community")},
        "mode_names": {"mentor_mentee": _("Mentors with mentees"), "peer": _("Peers with peers")},
        "matchmaking_names": {
            "coordinator_rounds": _("Coordinators propose pairs in rounds"),
            "self_selection": _("Participants choose their partner"),
            "both": _("Both: proposals, and participants may choose"),
        },
        "cadence_names": profile_choices.cadence_names(),
        "role_names": profile_choices.role_names(),
        "kind_names": {"text": _("Words"), "number": _("A number"), "choice": _("One of a list")},
        "operator_names": {"equals": _("is"), "one_of": _("is one of"), "range": _("is between")},
        "rule_texts": [profile_refusals.rule_text(rule) for rule in program.get("eligibility") or []],
        "attribute_options": [
            ("year_of_study", _("Year of study")),
            ("department", _("Department")),
            ("affiliation", _("Affiliation")),
            ("campus", _("Campus")),
            ("language", _("Language")),
            *((f"custom.{item['name']}", item["label"]) for item in program.get("custom_attributes") or []),
        ],
    }
