"""Events of the agreement aggregate (key: match_id): what a formed pair agreed to work on and how."""

from typing import ClassVar

from pydantic import Field

from mentoring_contracts.events.base import ContractModel, Event, Instant, Label, MatchId, ParticipantId, ProgramId
from mentoring_contracts.events.participants import Cadence, MeetingMode
from mentoring_contracts.topics import AGREEMENTS


class Goal(ContractModel):
    """One goal the pair works towards."""

    description: Label = Field(description="The goal, in the pair's words.", examples=["pass the Calculus II final"])
    owner: ParticipantId | None = Field(default=None, description="Whose goal it is; none if shared.", examples=["1c8d7e3f-4a2b-4d66-8e1f-7b2a5a1a9b22"])


class AgreementSet(Event):
    """A pair set (or reset) their goals and expectations; the latest one is the one that holds."""

    name: ClassVar[str] = "AgreementSet"
    topic: ClassVar = AGREEMENTS
    aggregate_field: ClassVar[str] = "match_id"

    match_id: MatchId = Field(description="The pair's match: one agreement per match.")
    program_id: ProgramId
    goals: list[Goal] = Field(min_length=1, max_length=20, description="What they work towards.")
    expectations: list[Label] = Field(default_factory=list, max_length=20, description="How they work together.",
                                      examples=[["reply within two days", "come prepared"]])
    cadence: Cadence = Field(description="How often they meet.", examples=["weekly"])
    meeting_mode: MeetingMode = Field(description="How they meet.", examples=["online"])
    set_by: ParticipantId = Field(description="Who recorded it.")
    set_at: Instant = Field(description="When.")
