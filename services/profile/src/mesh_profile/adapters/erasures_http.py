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

import base64
import binascii
import hashlib
import hmac
import json
from datetime import datetime
from uuid import UUID

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from mesh_profile.adapters.erasures_store import Place, State, erasures_page
from mesh_profile.adapters.http import ErasureView
from mesh_runtime.dependencies import ComponentsDep, PrincipalDep, Problem, error_responses, require_role
from mesh_runtime.identity import Role

router = APIRouter(tags=["erasures"])
MAX_CURSOR_LENGTH = 512
_DOMAIN = b"mesh-profile/erasures/v1"


class ListedErasure(ErasureView):
    program_id: str = Field(description="The program the participant was in.")
    campus: str = Field(description="The campus the participant was on.")


class ErasurePage(BaseModel):
    erasures: list[ListedErasure]
    next: str | None = Field(
        description="Opaque: pass as `before` (with the same `state`) for the next page; None after the last."
    )


class BadCursor(ValueError):
    pass


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
    components: ComponentsDep,
    principal: PrincipalDep,
    state: State | None = None,
    before: str | None = Query(default=None, max_length=MAX_CURSOR_LENGTH, description="`next` of the page before."),
    limit: int = Query(default=50, ge=1, le=100),
) -> ErasurePage:
    require_role(principal, Role.ADMIN, "list the institution's erasures")
    try:
        after = place_of(before, state) if before is not None else None
    except BadCursor as error:
        raise Problem(status.HTTP_422_UNPROCESSABLE_CONTENT, str(error), kind="invalid-cursor", title="Invalid cursor") from error
    async with components.database.transaction(principal.institution) as transaction:
        page = await erasures_page(transaction.connection, principal.institution, state, after, limit + 1)
    shown = page[:limit]
    return ErasurePage(
        erasures=[
            ListedErasure(**ErasureView.of(listed.erasure).model_dump(), program_id=listed.program_id, campus=listed.campus)
            for listed in shown
        ],
        next=cursor_for(shown[-1].place, state) if len(page) > limit else None,
    )


def cursor_for(place: Place, state: State | None) -> str:
    body = _b64(json.dumps([place.requested_at.isoformat(), str(place.participant_id)]).encode())
    return f"{body}.{_check(body, state)}"


def place_of(cursor: str, state: State | None) -> Place:
    body, dot, check = cursor.partition(".")
    if not dot or not hmac.compare_digest(check, _check(body, state)):
        raise BadCursor(
            "the cursor is not one this list gave (altered, cut, or from another state): start again from the first page"
        )
    try:
        requested_at, participant_id = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        place = Place(datetime.fromisoformat(requested_at), UUID(participant_id))
    except (binascii.Error, UnicodeDecodeError, json.JSONDecodeError, TypeError, ValueError) as error:
        raise BadCursor("the cursor cannot be read: start again from the first page") from error
    if place.requested_at.tzinfo is None:
        raise BadCursor("the cursor cannot be read: start again from the first page")
    return place


def _check(body: str, state: State | None) -> str:
    key = (state or "all").encode()
    return _b64(hashlib.sha256(_DOMAIN + b"\0" + key + b"\0" + body.encode()).digest()[:12])


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
