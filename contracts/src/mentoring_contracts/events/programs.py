"""Events of the program aggregate (key: program_id): a mentoring program with its own criteria."""

from typing import ClassVar, Literal

from pydantic import Field

from mentoring_contracts.events.base import ContractModel, Event, Instant, Label, ProgramId, Reason
from mentoring_contracts.events.participants import ProgramSetting
from mentoring_contracts.topics import PROGRAMS

MatchingMode = Literal["mentor_mentee", "peer"]


class ProgramDefinition(ContractModel):
    """What a program is and who may take part."""

    name: Label = Field(description="The program's name as participants see it.", examples=["First-year STEM peer mentoring"])
    setting: ProgramSetting = Field(description="Where the program runs.", examples=["academic"])
    campuses: list[Label] = Field(min_length=1, max_length=100, description="Campuses, sites or chapters it runs on.",
                                  examples=[["north", "south"]])
    matching_mode: MatchingMode = Field(description="Mentors with mentees, or peers with peers.", examples=["mentor_mentee"])
    participation_criteria: list[Label] = Field(
        default_factory=list, max_length=30, description="Who may take part, in the program's own words.",
        examples=[["enrolled in a first-year STEM course"]],
    )


class ProgramCreated(Event):
    """A coordinator created a program."""

    name: ClassVar[str] = "ProgramCreated"
    topic: ClassVar = PROGRAMS
    aggregate_field: ClassVar[str] = "program_id"

    program_id: ProgramId
    definition: ProgramDefinition = Field(description="The program as created.")
    created_at: Instant = Field(description="When it was created.")


class ProgramUpdated(Event):
    """A coordinator changed a program; carries the whole definition as it now is."""

    name: ClassVar[str] = "ProgramUpdated"
    topic: ClassVar = PROGRAMS
    aggregate_field: ClassVar[str] = "program_id"

    program_id: ProgramId
    definition: ProgramDefinition = Field(description="The complete definition after the change.")
    updated_at: Instant = Field(description="When it was changed.")


class ProgramClosed(Event):
    """A program closed: nobody joins any more and no new matches are proposed."""

    name: ClassVar[str] = "ProgramClosed"
    topic: ClassVar = PROGRAMS
    aggregate_field: ClassVar[str] = "program_id"

    program_id: ProgramId
    reason: Reason | None = Field(default=None, description="Why, if given.", examples=["end of the academic year"])
    closed_at: Instant = Field(description="When it closed.")
