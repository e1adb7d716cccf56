"""Use cases: an institution's staff create, change and close its programs."""

from mentoring_contracts import ProgramDefinition
from mesh_profile.application.errors import ProgramNotFound
from mesh_profile.application.ports import ProfileUnitOfWork
from mesh_profile.domain.program import Program, create


async def create_program(
    uow: ProfileUnitOfWork, program_id: str, institution: str, definition: ProgramDefinition, coordinators: tuple[str, ...]
) -> Program:
    """Stores the program with its seats per limited role and emits ProgramCreated; ids are unique
    across the platform."""
    program, created = create(program_id, institution, definition, coordinators, uow.clock.now())
    await uow.programs.add(program)
    await uow.seats.set_limits(program_id, definition)
    await uow.emit(created)
    return program


async def update_program(
    uow: ProfileUnitOfWork, program_id: str, definition: ProgramDefinition, coordinators: tuple[str, ...]
) -> Program:
    """Replaces the definition and emits ProgramUpdated with all of it. A lowered capacity takes no
    one out: it only stops joins until people leave."""
    program = await load_program(uow, program_id, for_update=True)
    updated, event = program.update(definition, coordinators, uow.clock.now())
    await uow.programs.save(updated)
    await uow.seats.set_limits(program_id, definition)
    await uow.emit(event)
    return updated


async def close_program(uow: ProfileUnitOfWork, program_id: str, reason: str | None) -> Program:
    """Emits ProgramClosed once: joins stop here; matching ends the program's open matches with the
    reason and proposes no more; everything that happened stays readable."""
    program = await load_program(uow, program_id, for_update=True)
    closed, event = program.close(reason, uow.clock.now())
    if event is not None:
        await uow.programs.save(closed)
        await uow.emit(event)
    return closed


async def load_program(uow: ProfileUnitOfWork, program_id: str, *, for_update: bool = False) -> Program:
    program = await uow.programs.get(program_id, for_update=for_update)
    if program is None:
        raise ProgramNotFound(f"no program {program_id!r}")
    return program
