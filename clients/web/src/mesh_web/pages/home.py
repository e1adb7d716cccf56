"""The home page: a welcome and the way in when signed out; when signed in, the programs they are in
(or that a roster prepared for them) and those open to them."""

import asyncio

from fastapi import APIRouter
from fastapi.responses import Response

from mesh_web.rendering import page, see_other
from mesh_web.visit import VisitDep

router = APIRouter()


@router.get("/")
async def home(visit: VisitDep) -> Response:
    if visit.who is None:
        return page(visit, "welcome.html")
    if visit.who.is_staff and "participant" not in visit.who.roles:
        return see_other("/console")  # staff who take part in no program start from what they run
    participations, programs = await asyncio.gather(visit.my_participations(), visit.profile.programs())
    mine = {item.get("program_id") for item in participations}
    open_to_join = [
        program for program in programs if program.get("program_id") not in mine and program.get("status", "open") == "open"
    ]
    return page(visit, "home.html", participations=participations, open_programs=open_to_join)
