"""A coordinator's own daily digest: ask for it, read what was asked, stop it."""

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from mentoring_contracts.events.base import TimeZoneName
from mesh_notify.adapters.http.dependencies import Uow
from mesh_notify.application.errors import NoDigest
from mesh_notify.application.subscribe_to_digest import subscribe_to_digest
from mesh_notify.application.unsubscribe_from_digest import unsubscribe_from_digest
from mesh_notify.domain.digest import DigestSubscription
from mesh_runtime.dependencies import PrincipalDep, error_responses, require_role
from mesh_runtime.identity import Role

router: APIRouter = APIRouter(tags=["coordinator digest"])
PATH = "/coordinators/me/digest"


class DigestRequest(BaseModel):
    hour: int = Field(default=8, ge=0, le=23, description="The local hour it comes at, in time_zone.")
    time_zone: TimeZoneName  # the contracts' rule: bounded and shaped before the zone database is read


class DigestView(DigestRequest):
    email: str = Field(description="Where it goes: the address your institution vouches for (your token's).")
    campuses: list[str] = Field(description="What it covers: your campuses when you asked.")
    programs: list[str] = Field(description="And your programs on them; empty: every program there.")
    last_sent_on: str | None = Field(description="The local day it last came, if it has.")
    expires_on: str = Field(description="The last local day it comes: ask again before then to keep it.")


@router.get(PATH, summary="Your daily digest, if you asked for one (coordinators)", responses=error_responses(403, 404))
async def get_digest(uow: Uow, principal: PrincipalDep) -> DigestView:
    require_role(principal, Role.COORDINATOR, "have a coordinator's digest")
    if (found := await uow.digests.get(principal.subject)) is None:
        raise NoDigest("you have not asked for a daily digest")
    return _view(found)


@router.put(
    PATH,
    summary="Ask for a daily digest of your campuses for 90 days, or renew it, or change when it comes (coordinators)",
    responses=error_responses(403, 422),
)
async def set_digest(request: DigestRequest, uow: Uow, principal: PrincipalDep) -> DigestView:
    require_role(principal, Role.COORDINATOR, "have a coordinator's digest")
    stored = await subscribe_to_digest(
        uow, principal.subject, principal.email, principal.campuses, principal.programs, request.time_zone, request.hour
    )
    return _view(stored)


@router.delete(
    PATH,
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Stop your daily digest (coordinators)",
    responses=error_responses(403, 404),
)
async def stop_digest(uow: Uow, principal: PrincipalDep) -> None:
    require_role(principal, Role.COORDINATOR, "have a coordinator's digest")
    await unsubscribe_from_digest(uow, principal.subject)


def _view(found: DigestSubscription) -> DigestView:
    return DigestView(
        hour=found.hour,
        time_zone=found.time_zone,
        email=found.email,
        campuses=sorted(found.campuses),
        programs=sorted(found.programs),
        last_sent_on=found.last_sent_on.isoformat() if found.last_sent_on else None,
        expires_on=str(found.expires_on),
    )
