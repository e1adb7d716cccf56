"""The admins' list of the institution's erasures: who was erased (by id: nothing else of them is left),
in which program and on which campus, when it was asked for and by whom, and which services have
confirmed theirs. Each one is shown as GET /participants/{id}/erasure shows it (``ErasureView``), with
the same rule for who asked ("participant", or the admin's account id: an admin sees both views).

Who may: an admin of the institution; anyone else is refused (403); an admin of another institution
finds only their own. Nothing of a person is read here, so nothing is added to the audit trail.

A page's cursor is opaque: base64url text naming the last erasure it showed, with a check binding it
to the list it came from (the state filter). One cut, altered, made up, or from another list is
refused as a whole (422, ``invalid-cursor``). The check is a digest, not a signature: a cursor only
says where a page starts, among the rows the caller may see anyway."""

import json
from datetime import datetime
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from mesh_profile.adapters.http.dependencies import Uow
from mesh_profile.adapters.http.participants import ErasureView
from mesh_profile.adapters.http.queries import Place, State, erasures_page
from mesh_runtime.dependencies import PrincipalDep, error_responses, require_role
from mesh_runtime.identity import Role
from mesh_runtime.keyset import KeysetCursors

router: APIRouter = APIRouter(tags=["erasures"])
MAX_CURSOR_LENGTH = 512
CURSORS = KeysetCursors("mesh-profile/erasures/v1", max_length=MAX_CURSOR_LENGTH)  # bound to the state filter


class ListedErasure(ErasureView):
    program_id: str = Field(description="The program the participant was in.")
    campus: str = Field(description="The campus the participant was on.")


class ErasurePage(BaseModel):
    erasures: list[ListedErasure]
    next: str | None = Field(
        description="Opaque: pass as `before` (with the same `state`) for the next page; None after the last."
    )


@router.get(
    "/erasures",
    summary="The institution's erasures, newest first, a page at a time (admins)",
    description="Newest first by when each was asked for, then by participant id. `state`: only those every "
    "service has confirmed (`complete`) or not yet (`pending`). Each is shown as GET "
    "/participants/{id}/erasure shows it, with the participant's program and campus. A cursor "
    "that is not one this list gave is refused (422, `invalid-cursor`).",
    responses=error_responses(403, 422),
)
async def erasures(
    uow: Uow,
    principal: PrincipalDep,
    state: State | None = None,
    before: str | None = Query(default=None, max_length=MAX_CURSOR_LENGTH, description="`next` of the page before."),
    limit: int = Query(default=50, ge=1, le=100),
) -> ErasurePage:
    require_role(principal, Role.ADMIN, "list the institution's erasures")
    after = place_of(before, state) if before is not None else None  # a bad one: the runtime's 422
    page = await erasures_page(uow.connection, principal.institution, state, after, limit + 1)
    shown = page[:limit]
    return ErasurePage(
        erasures=[
            ListedErasure(**ErasureView.of(listed.erasure).model_dump(), program_id=listed.program_id, campus=listed.campus)
            for listed in shown
        ],
        next=cursor_for(shown[-1].place, state) if len(page) > limit else None,
    )


def cursor_for(place: Place, state: State | None) -> str:
    return CURSORS.write(json.dumps([place.requested_at.isoformat(), str(place.participant_id)]), state or "all")


def place_of(cursor: str, state: State | None) -> Place:
    return CURSORS.read(cursor, state or "all", _place)


def _place(text: str) -> Place:
    requested_at, participant_id = json.loads(text)
    place = Place(datetime.fromisoformat(requested_at), UUID(participant_id))
    if place.requested_at.tzinfo is None:
        raise ValueError("a place's time says its zone")
    return place
