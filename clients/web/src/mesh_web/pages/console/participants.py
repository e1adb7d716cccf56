"""A program's participants for its coordinators: the list with search, filters and keyset paging
(matching's ``GET /programs/{id}/participants``: a page costs the same at the first row and the
hundred-thousandth), and one participant's page with their matches and history."""

from typing import Any
from uuid import UUID

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response

from mesh_web.api.base import ApiProblem
from mesh_web.i18n import gettext as _
from mesh_web.pages import profile_choices
from mesh_web.pages.console.program_pages import program_of
from mesh_web.rendering import Form, page
from mesh_web.visit import StaffDep, Visit

router = APIRouter()
STATES = ("waiting", "proposed", "matched", "dormant", "left")
PAGE = 50


def state_names() -> dict[str, str]:
    return {
        "waiting": _("Waiting"),
        "proposed": _("Proposed"),
        "matched": _("Matched"),
        "dormant": _("Dormant"),
        "left": _("Left"),
    }


def match_state_names() -> dict[str, str]:
    return {
        "proposed": _("Proposed"),
        "accepted": _("Active pair"),
        "dormant": _("Dormant pair"),
        "declined": _("Declined"),
        "expired": _("Lapsed"),
        "ended": _("Ended"),
    }


@router.get("/console/programs/{program_id}/participants")
async def participants(
    visit: StaffDep, program_id: str, q: str = "", campus: str = "", role: str = "", state: str = "", after: str = ""
) -> Response:
    program = await program_of(visit, program_id)
    form = Form(
        values={
            "q": q.strip()[:120],
            "campus": campus if campus in program["campuses"] else "",
            "role": role if role in profile_choices.ROLES else "",
            "state": state if state in STATES else "",
        }
    )
    try:
        found = await visit.matching.participants(
            program_id,
            q=form.values["q"] or None,
            campus=form.values["campus"] or None,
            role=form.values["role"] or None,
            state=form.values["state"] or None,
            after=after or None,
            limit=PAGE,
        )
    except ApiProblem as problem:
        if problem.status in (403, 404):
            raise HTTPException(404) from problem
        if problem.status != 422:
            raise
        found = {"participants": [], "next": None, "count": None}  # a cursor from an older link: start again
        form.error("q", _("That page of results is no longer available: the list starts again from the top."))
    filters = {name: value for name, value in form.values.items() if value}
    return page(
        visit,
        "console/participants.html",
        form=form,
        program=program,
        found=found,
        filters=filters,
        after=after,
        state_names=state_names(),
        role_names=profile_choices.role_names(),
        campuses=[(campus, campus) for campus in program["campuses"]],
    )


@router.get("/console/programs/{program_id}/participants/{participant_id}")
async def participant(visit: StaffDep, program_id: str, participant_id: UUID) -> Response:
    program = await program_of(visit, program_id)
    person = await participant_of(visit, program_id, participant_id)
    return page(
        visit,
        "console/participant.html",
        program=program,
        person=person,
        state_names=state_names(),
        match_state_names=match_state_names(),
        role_names=profile_choices.role_names(),
        what_names=history_names(),
    )


async def participant_of(visit: Visit, program_id: str, participant_id: UUID) -> dict[str, Any]:
    try:
        return await visit.matching.program_participant(program_id, participant_id)
    except ApiProblem as problem:
        if problem.status in (403, 404, 422):
            raise HTTPException(404) from problem
        raise


def history_names() -> dict[str, str]:
    return {
        "joined": _("Joined"),
        "proposed": _("Proposed a partner"),
        "accepted": _("Accepted"),
        "declined": _("Declined"),
        "formed": _("Pair formed"),
        "dormant": _("Pair went dormant"),
        "ended": _("Pair ended"),
        "left": _("Left the program"),
        "expired": _("Proposal lapsed"),
        "erased": _("Data erased"),
    }
