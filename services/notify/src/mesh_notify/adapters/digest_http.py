"""A coordinator's own daily digest: ask for it, read what was asked, stop it."""

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, Field

from mentoring_contracts.events.base import TimeZoneName
from mesh_notify.adapters.digest_store import PostgresDigests
from mesh_notify.domain.digest import DigestSubscription
from mesh_runtime.dependencies import ComponentsDep, PrincipalDep, error_responses, require_role
from mesh_runtime.identity import Principal, Role

router = APIRouter(tags=["coordinator digest"])
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
async def get_digest(components: ComponentsDep, principal: PrincipalDep) -> DigestView:
    require_role(principal, Role.COORDINATOR, "have a coordinator's digest")
    async with components.database.transaction(principal.institution) as transaction:
        found = await PostgresDigests(transaction.connection).get(principal.subject)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="you have not asked for a daily digest")
    return _view(found)


@router.put(
    PATH,
    summary="Ask for a daily digest of your campuses for 90 days, or renew it, or change when it comes (coordinators)",
    responses=error_responses(403, 422),
)
async def set_digest(request: DigestRequest, components: ComponentsDep, principal: PrincipalDep) -> DigestView:
    subscription = _subscription(principal, request).renewed(components.clock.now())
    async with components.database.transaction(principal.institution) as transaction:
        store = PostgresDigests(transaction.connection)
        await store.subscribe(subscription)
        stored = await store.get(principal.subject)
    assert stored is not None
    return _view(stored)


@router.delete(
    PATH,
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Stop your daily digest (coordinators)",
    responses=error_responses(403, 404),
)
async def stop_digest(components: ComponentsDep, principal: PrincipalDep) -> None:
    require_role(principal, Role.COORDINATOR, "have a coordinator's digest")
    async with components.database.transaction(principal.institution) as transaction:
        if not await PostgresDigests(transaction.connection).unsubscribe(principal.subject):
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail="you have not asked for a daily digest")


def _subscription(principal: Principal, request: DigestRequest) -> DigestSubscription:
    require_role(principal, Role.COORDINATOR, "have a coordinator's digest")
    if principal.email is None:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, detail="your token carries no verified email: nowhere to send a digest"
        )
    if not principal.campuses:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail="your token names no campus to summarise")
    return DigestSubscription(
        principal.subject, principal.email, request.time_zone, request.hour, principal.campuses, principal.programs
    )


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
