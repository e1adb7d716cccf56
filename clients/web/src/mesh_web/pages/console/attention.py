"""What needs a coordinator: pairs gone dormant, people waiting longest without a proposal, people
declined several times (matching's ``GET /programs/{id}/attention``), each with what helps: nudge or end
a pair, propose a partner by hand."""

from fastapi import APIRouter
from fastapi.responses import Response

from mesh_web.api.base import ApiProblem
from mesh_web.pages import profile_choices
from mesh_web.pages.console.program_pages import program_of
from mesh_web.pages.pairing import not_found
from mesh_web.rendering import page
from mesh_web.visit import StaffDep

router = APIRouter()


@router.get("/console/programs/{program_id}/attention")
async def attention(visit: StaffDep, program_id: str, campus: str = "") -> Response:
    program = await program_of(visit, program_id)
    try:
        found = await visit.matching.attention(program_id, campus if campus in program["campuses"] else None)
    except ApiProblem as problem:
        if problem.status in (403, 404):
            raise not_found() from problem
        raise
    return page(visit, "console/attention.html", program=program, found=found, role_names=profile_choices.role_names())
