"""Reading participants: the person themself, their coordinators and admins, and the platform's
services, which read what events do not carry. Each service client reads only what its work needs
(security review M6): matching the published profile it scores, scheduling and notify the contact
details (name, address, time zone, account) and never a person's words. Every read by staff or a
service is in the audit trail of the institution read, naming whom."""

from uuid import UUID

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, EmailStr, Field

from mesh_profile.adapters.access import participant_tenancy
from mesh_profile.adapters.http import queries
from mesh_profile.adapters.http.dependencies import Uow
from mesh_profile.adapters.http.participants import ParticipantView
from mesh_profile.domain.participant import Participant
from mesh_runtime import audit
from mesh_runtime.dependencies import OPEN_TO_SERVICES, PrincipalDep, authorize, error_responses, require_role
from mesh_runtime.identity import Principal, Role

router: APIRouter = APIRouter(prefix="/participants", tags=["participants"])
# The service clients that read whole (published) profiles: matching scores their words. Every other
# service client reads contact details only.
PROFILE_READERS = frozenset({"mesh-matching"})
MAX_LOOKUP = 1000


class Lookup(BaseModel):
    participant_ids: list[UUID] = Field(min_length=1, max_length=MAX_LOOKUP, description="Whom to read, at most 1,000.")


class LookupResult(BaseModel):
    participants: list[ParticipantView]
    unknown: list[UUID] = Field(description="Ids no participant has.")


class ContactView(BaseModel):
    """Whom to write to, and when it is day for them: nothing of what they wrote."""

    participant_id: UUID
    status: str = Field(description="active, left or erased (after erasure, only placeholders).")
    subject: str | None = Field(description="Their account at the institution's identity provider, if bound.")
    display_name: str
    email: EmailStr
    time_zone: str
    campus: str

    @classmethod
    def of(cls, participant: Participant) -> "ContactView":
        profile = participant.profile
        return cls(
            participant_id=participant.participant_id,
            status=participant.status.value,
            subject=participant.subject,
            display_name=profile.display_name,
            email=profile.email,
            time_zone=profile.time_zone,
            campus=profile.campus,
        )


class ContactsResult(BaseModel):
    contacts: list[ContactView]
    unknown: list[UUID] = Field(description="Ids no participant has.")


@router.get(
    "/{participant_id}",
    summary="A participant's profile (theirs, their coordinators', their admins')",
    description="Also open to the platform's service that scores profiles (matching); the other services "
    "read `GET /participants/{id}/contact`.",
    responses=error_responses(403, 404),
    openapi_extra=OPEN_TO_SERVICES,
)
async def get(participant_id: UUID, uow: Uow, principal: PrincipalDep) -> ParticipantView:
    _require_profile_reader(principal)
    participant = await _read_one(uow, principal, participant_id, "participants")
    return ParticipantView.of(participant, published=principal.is_service)


@router.get(
    "/{participant_id}/contact",
    summary="A participant's contact details (theirs, staff's, services')",
    description="Name, address, time zone, campus and account: what a mail or a calendar needs, none of their words.",
    responses=error_responses(403, 404),
    openapi_extra=OPEN_TO_SERVICES,
)
async def contact(participant_id: UUID, uow: Uow, principal: PrincipalDep) -> ContactView:
    return ContactView.of(await _read_one(uow, principal, participant_id, "participants/contact"))


@router.post(
    "/lookup",
    summary="Many participants at once (the platform's service that scores profiles)",
    description="What `GET /participants/{id}` shows, for a batch of events in one call: a consumer that "
    "takes 200 joins at a time reads their profiles here.",
    responses=error_responses(403),
    openapi_extra=OPEN_TO_SERVICES,
)
async def lookup(body: Lookup, uow: Uow, principal: PrincipalDep) -> LookupResult:
    require_role(principal, Role.SERVICE, "read participants in bulk")
    _require_profile_reader(principal)
    wanted, found = await _read_many(uow, principal, body, "participants")
    return LookupResult(
        participants=[ParticipantView.of(participant, published=True) for participant in found],
        unknown=_unknown(wanted, found),
    )


@router.post(
    "/contacts",
    summary="Many participants' contact details at once (the platform's services)",
    description="What `GET /participants/{id}/contact` shows, for a batch of events in one call: scheduling "
    "and notify read the contacts a batch of 200 events needs here. Open to every service client.",
    responses=error_responses(403),
    openapi_extra=OPEN_TO_SERVICES,
)
async def contacts(body: Lookup, uow: Uow, principal: PrincipalDep) -> ContactsResult:
    require_role(principal, Role.SERVICE, "read contact details in bulk")
    wanted, found = await _read_many(uow, principal, body, "participants/contact")
    return ContactsResult(contacts=[ContactView.of(participant) for participant in found], unknown=_unknown(wanted, found))


async def _read_many(uow: Uow, principal: Principal, body: Lookup, resource: str) -> tuple[list[UUID], list[Participant]]:
    """The participants of ``body`` in one read, audited in each institution read, naming whom."""
    wanted = list(dict.fromkeys(body.participant_ids))
    found = await queries.participants_by_id(uow.connection, wanted)
    by_institution: dict[str, list[str]] = {}
    for participant in found:
        by_institution.setdefault(participant.institution, []).append(str(participant.participant_id))
    await audit.record_reads(uow.transaction, principal, uow.cause, resource, by_institution)
    return wanted, found


def _unknown(wanted: list[UUID], found: list[Participant]) -> list[UUID]:
    known = {participant.participant_id for participant in found}
    return [pid for pid in wanted if pid not in known]


async def _read_one(uow: Uow, principal: Principal, participant_id: UUID, resource: str) -> Participant:
    participant = await uow.participants.get(participant_id)
    authorize(
        principal, participant_tenancy(participant) if participant else None, f"participant {participant_id}", services_may=True
    )
    assert participant is not None  # authorize refused None
    await audit.record_reads(uow.transaction, principal, uow.cause, resource, {participant.institution: [str(participant_id)]})
    return participant


def _require_profile_reader(principal: Principal) -> None:
    if principal.is_service and principal.client_id not in PROFILE_READERS:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, detail="this service reads contact details only: GET /participants/{id}/contact"
        )
