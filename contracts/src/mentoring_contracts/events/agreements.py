"""Events of the agreement aggregate (key: match_id): what a formed pair agreed to work on and how."""

from datetime import date
from typing import ClassVar

from pydantic import Field

from mentoring_contracts.events.base import (
    PERSONAL_DATA,
    ContractModel,
    Event,
    Instant,
    Label,
    MatchId,
    PairIds,
    ParticipantId,
    ProgramId,
)
from mentoring_contracts.events.participants import Cadence, MeetingMode
from mentoring_contracts.topics import AGREEMENTS


class _Agreement(Event):
    topic: ClassVar = AGREEMENTS
    aggregate_field: ClassVar[str] = "match_id"

    match_id: MatchId = Field(description="The pair's match: one agreement per match.")
    program_id: ProgramId
    cadence: Cadence = Field(description="How often they meet.", examples=["weekly"])
    meeting_mode: MeetingMode = Field(description="How they meet.", examples=["online"])
    set_by: ParticipantId = Field(description="Who recorded it.")
    set_at: Instant = Field(description="When.")


class AgreementProposed(Event):
    """One of a pair proposed a version of their agreement; it holds once the other confirms it
    (AgreementSet). The terms, in the pair's words, are read from scheduling."""

    name: ClassVar[str] = "AgreementProposed"
    topic: ClassVar = AGREEMENTS
    aggregate_field: ClassVar[str] = "match_id"

    match_id: MatchId = Field(description="The pair's match.")
    program_id: ProgramId
    participant_ids: PairIds
    agreement_version: int = Field(ge=1, description="1 for the first proposal, then 2, 3, ...", examples=[1])
    proposed_by: ParticipantId = Field(description="Who proposed it: the other one is asked to confirm.")
    proposed_at: Instant = Field(description="When.")


class AgreementSet(_Agreement):
    """A pair set (or reset) their agreement; the latest one is the one that holds. The goals and
    expectations, in the pair's words, are read from the service that keeps agreements."""

    name: ClassVar[str] = "AgreementSet"
    version: ClassVar[int] = 2

    goal_count: int = Field(ge=1, le=20, description="How many goals they work towards.", examples=[2])
    participant_ids: PairIds | None = Field(
        default=None,
        description="The pair (contracts 2.2).",
        examples=[["4f6c2a9e-5b1d-4c3e-9a8f-2d7e6b5c4a31", "1c8d7e3f-4a2b-4d66-8e1f-7b2a5a1a9b22"]],
    )
    agreement_version: int | None = Field(
        default=None, ge=1, description="Which version holds now (contracts 2.2).", examples=[1]
    )
    session_minutes: int | None = Field(
        default=None, ge=15, le=240, description="Agreed length of a session (contracts 2.2).", examples=[60]
    )
    runs_until: date | None = Field(
        default=None, description="The last day the mentorship runs, if agreed (contracts 2.2).", examples=["2027-06-30"]
    )


class Goal(ContractModel):
    """One goal the pair works towards."""

    description: Label = Field(
        description="The goal, in the pair's words.", examples=["pass the Calculus II final"], json_schema_extra=PERSONAL_DATA
    )
    owner: ParticipantId | None = Field(
        default=None, description="Whose goal it is; none if shared.", examples=["1c8d7e3f-4a2b-4d66-8e1f-7b2a5a1a9b22"]
    )


class AgreementSetV1(_Agreement):
    """Retired (contracts 2.0): carried the goals and expectations in the pair's words."""

    name: ClassVar[str] = "AgreementSet"
    retired: ClassVar[bool] = True

    goals: list[Goal] = Field(min_length=1, max_length=20, description="What they work towards.")
    expectations: list[Label] = Field(
        default_factory=list,
        max_length=20,
        description="How they work together.",
        examples=[["reply within two days", "come prepared"]],
        json_schema_extra=PERSONAL_DATA,
    )
