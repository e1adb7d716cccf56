"""Programs over HTTP: an institution's admins and coordinators create, change, close, list and read them.

Who may do what:
- create, change, close: an admin of the institution, or a coordinator of every campus the program
  runs on (before and after the change);
- read and list: the institution's staff, and participants of the campuses it runs on (to choose one
  to join; the coordinators' accounts are shown to staff only).
"""

from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, status
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, StrictInt

from mentoring_contracts import ProgramDefinition
from mentoring_contracts.events.base import AccountSubject, ProgramId, Reason
from mentoring_contracts.events.participants import Role
from mentoring_contracts.events.programs import CustomAttribute, RoleCapacity, Term
from mesh_profile.adapters.http import queries
from mesh_profile.adapters.http.dependencies import Uow
from mesh_profile.application.manage_program import close_program, create_program, load_program, update_program
from mesh_profile.domain.program import Program, ProgramStatus
from mesh_runtime import audit
from mesh_runtime.dependencies import PrincipalDep, error_responses
from mesh_runtime.identity import Principal

router: APIRouter = APIRouter(prefix="/programs", tags=["programs"])
Coordinators = Annotated[
    list[AccountSubject],
    Field(
        default_factory=list,
        max_length=50,
        description="Accounts (token subjects) of the staff who coordinate it; the creator when none are given.",
    ),
]


def _iso_date(value: object) -> object:
    """A date is written as one (``2026-09-14``): a lax 0 would be read as 1 January 1970 (fuzzing sent it)."""
    if not isinstance(value, str):
        raise ValueError("a date is a string, YYYY-MM-DD")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]


class TermSpec(Term):
    starts_on: IsoDate = Field(description=Term.model_fields["starts_on"].description, examples=["2026-09-14"])
    ends_on: IsoDate = Field(description=Term.model_fields["ends_on"].description, examples=["2026-12-18"])


class Capacity(RoleCapacity):
    # Strict: a lax false read as 0 would close the role to everyone (fuzzing sent it and it was taken).
    most: StrictInt = Field(ge=0, le=1_000_000, description=RoleCapacity.model_fields["most"].description, examples=[150])


class CustomAttributeSpec(CustomAttribute):
    """A custom attribute as staff write it; unknown fields are refused (an ``askd`` typo would leave it vouched)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    # Strict: a lax "yes" or 1 read as true would open the attribute to the participant's own word.
    asked: StrictBool = Field(default=False, description=CustomAttribute.model_fields["asked"].description, examples=[True])


class ProgramSpec(ProgramDefinition):
    """A program's definition as staff write it; unknown fields are refused, not ignored."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    coordinators: Coordinators
    custom_attributes: list[CustomAttributeSpec] = Field(  # type: ignore[assignment]  # list is invariant: each item the stricter spec of the contract's
        default_factory=list, max_length=30, description=ProgramDefinition.model_fields["custom_attributes"].description
    )
    terms: list[TermSpec] = Field(  # type: ignore[assignment]  # list is invariant: each item the stricter spec of the contract's
        default_factory=list,
        max_length=50,
        description=ProgramDefinition.model_fields["terms"].description,
    )
    capacity: list[Capacity] = Field(  # type: ignore[assignment]  # list is invariant: each item the stricter spec of the contract's
        default_factory=list,
        max_length=3,
        description=ProgramDefinition.model_fields["capacity"].description,
    )
    # Strict: a lax 0 or "no" read as false would publish mentors unapproved (fuzzing sent 0 and it was taken).
    mentors_need_approval: StrictBool = Field(
        default=False, description=ProgramDefinition.model_fields["mentors_need_approval"].description, examples=[False]
    )

    def definition(self) -> ProgramDefinition:
        return ProgramDefinition.model_validate(self.model_dump(exclude={"coordinators", "program_id"}))


class NewProgram(ProgramSpec):
    program_id: ProgramId


class Closing(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Reason | None = Field(default=None, description="Why: shown to its participants and coordinators.")


class ProgramView(ProgramDefinition):
    program_id: str
    status: Literal["open", "closed"]
    version: int = Field(description="Raised by every change.")
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    closed_reason: str | None
    coordinators: list[str] | None = Field(description="Shown to the institution's staff; none for participants.")
    joinable_roles: list[Role] = Field(
        description="The roles a person may join in: roles_offered, else those of the "
        "matching mode (whether places are left is known on joining)."
    )

    @classmethod
    def of(cls, program: Program, principal: Principal) -> "ProgramView":
        staff = principal.is_admin or principal.is_coordinator
        return cls(
            **program.definition.model_dump(),
            program_id=program.program_id,
            status=program.status.value,
            joinable_roles=list(program.definition.roles),
            version=program.version,
            created_at=program.created_at,
            updated_at=program.updated_at,
            closed_at=program.closed_at,
            closed_reason=program.closed_reason,
            coordinators=list(program.coordinators) if staff else None,
        )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Create a program (admins; coordinators of all its campuses)",
    description="Emits ProgramCreated.",
    responses=error_responses(403, 409),
)
async def create(body: NewProgram, uow: Uow, principal: PrincipalDep) -> ProgramView:
    definition = body.definition()
    _require_manager(principal, body.program_id, definition.campuses)
    coordinators = tuple(body.coordinators) or (principal.subject,)
    program = await create_program(uow, body.program_id, principal.institution, definition, coordinators)
    await audit.record(uow.transaction, principal, uow.cause, "program.create", f"program/{body.program_id}")
    return ProgramView.of(program, principal)


@router.get(
    "",
    summary="The institution's programs you may see",
    description="Staff: the institution's programs (coordinators: those on their campuses); a participant: "
    "those on their campuses, each with what a join form asks (`joinable_roles`, `topics`, "
    "`custom_attributes` with the registration questions marked `asked`, the `eligibility` rules "
    "and `matching_mode`). `status=open` keeps to those that take joins.",
    responses=error_responses(),
)
async def listing(
    uow: Uow,
    principal: PrincipalDep,
    state: Annotated[Literal["open", "closed"] | None, Query(alias="status")] = None,
    campus: str | None = None,
) -> list[ProgramView]:
    campuses = None if principal.is_admin else set(principal.campuses)
    if campus is not None:
        campuses = {campus} & campuses if campuses is not None else {campus}
    programs = await queries.programs_listing(uow.connection, ProgramStatus(state) if state else None, campuses)
    return [ProgramView.of(program, principal) for program in programs]


@router.get("/{program_id}", summary="A program", responses=error_responses(404))
async def read(program_id: str, uow: Uow, principal: PrincipalDep) -> ProgramView:
    program = await uow.programs.get(program_id)
    if program is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no program {program_id!r}")
    _require_visible(principal, program)
    return ProgramView.of(program, principal)


@router.put(
    "/{program_id}",
    summary="Change a program (its whole definition)",
    description="Emits ProgramUpdated with the whole definition. A closed program cannot change.",
    responses=error_responses(403, 404, 409),
)
async def update(program_id: str, body: ProgramSpec, uow: Uow, principal: PrincipalDep) -> ProgramView:
    definition = body.definition()
    current = await load_program(uow, program_id, for_update=True)
    _require_visible(principal, current)
    _require_manager(principal, program_id, {*current.definition.campuses, *definition.campuses})
    program = await update_program(uow, program_id, definition, tuple(body.coordinators) or current.coordinators)
    await audit.record(uow.transaction, principal, uow.cause, "program.update", f"program/{program_id}", version=program.version)
    return ProgramView.of(program, principal)


@router.post(
    "/{program_id}/close",
    summary="Close a program",
    description="Emits ProgramClosed (once: closing again answers with the closed program). Joins stop; "
    "matching ends the open matches with the reason and proposes no more; history stays readable.",
    responses=error_responses(403, 404),
)
async def close(program_id: str, body: Closing, uow: Uow, principal: PrincipalDep) -> ProgramView:
    current = await load_program(uow, program_id, for_update=True)
    _require_visible(principal, current)
    _require_manager(principal, program_id, current.definition.campuses)
    program = await close_program(uow, program_id, body.reason)
    if current.is_open:
        await audit.record(uow.transaction, principal, uow.cause, "program.close", f"program/{program_id}")
    return ProgramView.of(program, principal)


def _require_visible(principal: Principal, program: Program) -> None:
    """Another institution's program is hidden by row-level security; one on no campus of the caller's is too."""
    if not principal.is_admin and not principal.campuses & set(program.definition.campuses):
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no program {program.program_id!r}")


def _require_manager(principal: Principal, program_id: str, campuses) -> None:
    campuses = set(campuses)
    if principal.is_admin or (principal.coordinates(program_id, campuses) and campuses <= principal.campuses):
        return
    raise HTTPException(
        status.HTTP_403_FORBIDDEN,
        detail=f"only an admin or a coordinator of every campus of "
        f"{program_id!r} ({', '.join(sorted(campuses))}) may create, change or close it",
    )
