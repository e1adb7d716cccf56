"""Who may be in a program: its rules at join and on every profile change, and its seats per role."""

from collections.abc import Iterable

from mentoring_contracts import ParticipantProfile
from mentoring_contracts.events.participants import Role
from mesh_profile.application.ports import ProfileUnitOfWork
from mesh_profile.domain.eligibility import Violation, violations
from mesh_profile.domain.participant import ProfileError
from mesh_profile.domain.program import Program


class ProgramNotFound(ProfileError):
    pass


class NotEligible(ProfileError):
    """The profile fails some of the program's rules; each is named."""

    def __init__(self, program_id: str, failed: list[Violation]) -> None:
        rules = ", ".join(violation.rule_id for violation in failed)
        super().__init__(f"{len(failed)} of program {program_id!r}'s participation rules refuse this profile: {rules}")
        self.program_id = program_id
        self.violations = failed

    @property
    def only_capacity(self) -> bool:
        return all(violation.rule_id.startswith(CAPACITY) for violation in self.violations)


CAPACITY = "capacity-"


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
        raise NotEligible(program.program_id, failed + full_roles(full))
    return program
