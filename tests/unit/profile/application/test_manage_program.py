"""Staff create, change and close programs; on the in-memory unit of work."""

from datetime import timedelta

import pytest

from mentoring_contracts import ProgramClosed, ProgramCreated, ProgramUpdated
from mesh_profile.application.errors import ProgramClosedForChanges, ProgramIdTaken, ProgramNotFound
from mesh_profile.application.manage_program import close_program, create_program, update_program
from tests.support.identity import INSTITUTION
from tests.unit.profile.application.given import definition


async def test_a_program_is_created_once_with_its_seats(uow) -> None:
    program = await create_program(uow, "stem", INSTITUTION, definition("stem", capacity=[{"role": "mentor", "most": 3}]), ("c",))
    assert program.created_at == uow.clock.now() and program.version == 1
    [created] = uow.emitted
    assert isinstance(created, ProgramCreated) and created.program_id == "stem"
    assert await uow.seats.limited("stem") == {"mentor": (3, 0)}
    with pytest.raises(ProgramIdTaken, match="'stem' is taken"):
        await create_program(uow, "stem", "other-college", definition("stem"), ("c",))


async def test_a_change_replaces_the_definition_until_the_program_closes_once(uow) -> None:
    await create_program(uow, "stem", INSTITUTION, definition("stem"), ("c",))
    uow.clock.advance(timedelta(days=1))
    updated = await update_program(uow, "stem", definition("stem", name="STEM peers"), ("c", "d"))
    assert updated.version == 2 and updated.updated_at == uow.clock.now() and updated.coordinators == ("c", "d")
    closed = await close_program(uow, "stem", "the term ended")
    assert not closed.is_open and closed.closed_reason == "the term ended"
    assert (await close_program(uow, "stem", "again")) == closed  # closing again changes and announces nothing
    assert [type(event) for event in uow.emitted] == [ProgramCreated, ProgramUpdated, ProgramClosed]
    with pytest.raises(ProgramClosedForChanges, match="takes no joins and no changes"):
        await update_program(uow, "stem", definition("stem"), ("c",))
    with pytest.raises(ProgramNotFound):
        await update_program(uow, "unknown", definition("unknown"), ("c",))
    with pytest.raises(ProgramNotFound):
        await close_program(uow, "unknown", None)
