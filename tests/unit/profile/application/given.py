"""What profile's use-case tests start from: programs made as staff make them, people as their token says."""

from typing import Any

from mentoring_contracts import ProgramDefinition
from mesh_profile.application.manage_program import create_program
from mesh_profile.domain.person import Person
from mesh_profile.domain.program import Program
from mesh_profile.domain.vouched import Vouched
from tests.support.fakes.profile import FakeProfileUnitOfWork
from tests.support.identity import INSTITUTION
from tests.support.programs import program_body


def definition(program_id: str = "first-year-stem", **overrides: Any) -> ProgramDefinition:
    """A program that admits every profile tests.support.factories makes, but for ``overrides``."""
    body = program_body(program_id, **overrides)
    del body["program_id"]
    return ProgramDefinition.model_validate(body)


async def a_program(uow: FakeProfileUnitOfWork, program_id: str = "first-year-stem", **overrides: Any) -> Program:
    """Created as an admin creates it; its ProgramCreated is left out of ``uow.emitted``."""
    program = await create_program(uow, program_id, INSTITUTION, definition(program_id, **overrides), ("coordinator",))
    uow.emitted.clear()
    return program


def person(email: str | None, *campuses: str, affiliation: str | None = "student") -> Person:
    """Someone acting as themself, as their token says: on ``campuses`` (north by default)."""
    return Person(frozenset(campuses or ("north",)), email, Vouched.of(affiliation, None, None))
