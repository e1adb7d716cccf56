"""Who may be in a program: its rules at join and on every profile change, its seats per role, and
the person's own campus and address (shared by the use cases that admit; not a use case itself)."""

from collections.abc import Iterable

from mentoring_contracts import ParticipantProfile
from mentoring_contracts.events.participants import Role
from mesh_profile.application.errors import (
    CAPACITY,
    NotEligible,
    NotYourCampus,
    NotYourEmail,
    NoVouchedEmail,
    ProgramNotFound,
)
from mesh_profile.application.ports import ProfileUnitOfWork
from mesh_profile.domain.eligibility import Violation, violations
from mesh_profile.domain.person import Person
from mesh_profile.domain.program import Program


def roles_of(profile: ParticipantProfile) -> list[Role]:
    return sorted({topic.role for topic in profile.topics})


def full_roles(roles: Iterable[str]) -> list[Violation]:
    return [Violation(f"{CAPACITY}{role}", f"the program has no {role} places left", "topics.role", None, role) for role in roles]


async def program_of(uow: ProfileUnitOfWork, program_id: str) -> Program:
    """The program, read for a join or a profile change (a close or a change of it waits for them)."""
    program = await uow.programs.get_for_share(program_id)
    if program is None:
        raise ProgramNotFound(f"no program {program_id!r}")
    return program


async def admit(
    uow: ProfileUnitOfWork, profile: ParticipantProfile, seats_for: Iterable[Role] | None = None, program: Program | None = None
) -> Program:
    """The open program the profile is for (``program``: read already), if every rule holds and a seat
    is free in each limited role it takes (``seats_for``: the roles newly taken; default all of the
    profile's). Seats are taken here; the transaction that fails afterwards gives them back."""
    if program is None or program.program_id != profile.program_id:
        program = await program_of(uow, profile.program_id)
    program.require_open_for_joins()
    failed = violations(program.definition, profile)
    full = await uow.seats.take(program.program_id, list(roles_of(profile) if seats_for is None else seats_for))
    if failed or full:
        raise NotEligible.of(program.program_id, failed + full_roles(full))
    return program


def require_own_campus(person: Person, campus: str) -> None:
    """A person joins, claims and moves only on a campus of their own."""
    if campus not in person.campuses:
        raise NotYourCampus(campus)


def vouched_email(person: Person) -> str:
    """The address the institution vouches for: without one, a person could join with anyone's (and the
    roster would then adopt them as that person)."""
    if person.email is None:
        raise NoVouchedEmail(
            "your institution vouches for no email address of yours (your token carries no "
            "verified email), so you cannot join with one: ask your institution, or a "
            "coordinator to add you through the program's roster"
        )
    return person.email


def require_own_email(person: Person, email: str, stored: str | None = None) -> None:
    """Mail goes where the institution says the person is: nobody joins with, or changes to, someone
    else's address. Keeping the address already stored (``stored``) needs no vouching."""
    if stored is not None and stored.casefold() == email.casefold():
        return
    if vouched_email(person).casefold() != email.casefold():
        raise NotYourEmail(vouched_email(person))
