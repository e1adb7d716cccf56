"""Events of the match aggregate (key: match_id): a proposed, then formed, pairing of two participants."""

from typing import Annotated, ClassVar, Literal
from uuid import UUID

from pydantic import Field

from mentoring_contracts.events.base import (
    PERSONAL_DATA,
    SUBJECT_DESCRIPTION,
    SUBJECT_EXAMPLE,
    AccountSubject,
    ContractModel,
    Event,
    Instant,
    Label,
    MatchId,
    PairIds,
    ParticipantId,
    ProgramId,
    Reason,
    Slug,
    TimeZoneName,
)
from mentoring_contracts.events.participants import AvailabilitySlot, Cadence, MeetingMode, Role
from mentoring_contracts.topics import MATCHES

EndCause = Literal["pair", "participant_left", "program_closed", "dormant"]

MatchKind = Literal["mentor_mentee", "peer"]


class MatchParticipant(ContractModel):
    """One of the pair and the role they take in this match."""

    participant_id: ParticipantId
    role: Role = Field(description="Their role in this match's topic.", examples=["mentor"])


class ScorePart(ContractModel):
    """One criterion's contribution to a match score."""

    criterion: str = Field(description="What was compared.", examples=["goals"])
    weight: float = Field(ge=0, description="The program policy's weight for it.", examples=[2.0])
    value: float = Field(ge=0, le=1, description="How well the pair meets it, 0 to 1.", examples=[0.5])


class _MatchEvent(Event):
    topic: ClassVar = MATCHES
    aggregate_field: ClassVar[str] = "match_id"


class MatchProposed(_MatchEvent):
    """Matching proposes two participants as a pair, with the score and its parts. The reasons in
    words quote the pair's profiles, so they are read from matching (``GET /matches/{id}``)."""

    name: ClassVar[str] = "MatchProposed"
    version: ClassVar[int] = 2

    match_id: MatchId
    program_id: ProgramId
    topic_name: Label = Field(description="The topic the pair meets about.", examples=["Calculus II"])
    kind: MatchKind = Field(description="Mentor with mentee, or two peers.", examples=["mentor_mentee"])
    participants: list[MatchParticipant] = Field(min_length=2, max_length=2, description="The pair and their roles.")
    score: float = Field(ge=0, le=1, description="Weighted mean of the score parts, 0 to 1.", examples=[0.72])
    score_parts: list[ScorePart] = Field(description="Each criterion's contribution.")
    proposed_at: Instant = Field(description="When it was proposed.")
    expires_at: Instant = Field(description="Until when both may accept.")


class MatchProposedV1(MatchProposed):
    """Retired (contracts 2.0): carried the reasons in words, which quote the pair's profiles."""

    version: ClassVar[int] = 1
    retired: ClassVar[bool] = True

    reasons: list[str] = Field(
        description="Why, in words a person understands.",
        examples=[["both took Calculus II", "4 h of shared weekly availability"]],
        json_schema_extra=PERSONAL_DATA,
    )


class ParticipantSchedule(ContractModel):
    """What scheduling needs of one participant, carried with the accepted match."""

    participant_id: ParticipantId
    role: Role = Field(description="Their role in the match.", examples=["mentee"])
    campus: Label = Field(description="Their campus.", examples=["north"])
    time_zone: TimeZoneName
    weekly_availability: list[AvailabilitySlot] = Field(min_length=1, description="When they can meet, weekly, local time.")
    meeting_modes: list[MeetingMode] = Field(min_length=1, description="How they can meet.", examples=[["online"]])
    preferred_cadence: Cadence = Field(description="How often they want to meet.", examples=["weekly"])


class ParticipantScheduleV1(ParticipantSchedule):
    """Retired with MatchAccepted v1: carried the person's account id."""

    subject: AccountSubject | None = Field(
        default=None, description=SUBJECT_DESCRIPTION, examples=[SUBJECT_EXAMPLE], json_schema_extra=PERSONAL_DATA
    )


class MatchAccepted(_MatchEvent):
    """Both participants accepted a proposed match: the pair is formed."""

    name: ClassVar[str] = "MatchAccepted"
    version: ClassVar[int] = 2

    match_id: MatchId
    program_id: ProgramId
    topic_name: Label = Field(description="The topic the pair meets about.", examples=["Calculus II"])
    kind: MatchKind = Field(description="Mentor with mentee, or two peers.", examples=["peer"])
    participants: list[ParticipantSchedule] = Field(
        min_length=2, max_length=2, description="Both, with what scheduling needs of each."
    )
    accepted_at: Instant = Field(description="When the second acceptance came.")


class MatchAcceptedV1(MatchAccepted):
    """Retired (contracts 2.0): each participant's schedule carried their account id."""

    version: ClassVar[int] = 1
    retired: ClassVar[bool] = True

    participants: list[ParticipantScheduleV1] = Field(
        min_length=2,
        max_length=2,  # type: ignore[assignment]  # the retired items subclass the current ones; list is invariant
        description="Both, with what scheduling needs of each.",
    )


class MatchDeclined(_MatchEvent):
    """A participant declined a proposed match; the pair is never proposed again. Their reason, if
    they gave one, is read from matching."""

    name: ClassVar[str] = "MatchDeclined"
    version: ClassVar[int] = 2

    match_id: MatchId
    program_id: ProgramId
    participant_ids: PairIds
    declined_by: ParticipantId = Field(description="Who declined.")
    declined_at: Instant = Field(description="When.")


class MatchDeclinedV1(MatchDeclined):
    """Retired (contracts 2.0): carried the decliner's reason in their own words."""

    version: ClassVar[int] = 1
    retired: ClassVar[bool] = True

    reason: Reason | None = Field(
        default=None, description="Why, if they said.", examples=["our schedules do not fit"], json_schema_extra=PERSONAL_DATA
    )


class MatchExpired(_MatchEvent):
    """Nobody declined, but not both accepted before the proposal's expiry: both are free again."""

    name: ClassVar[str] = "MatchExpired"

    match_id: MatchId
    program_id: ProgramId
    participant_ids: PairIds
    accepted_by: list[ParticipantId] = Field(description="Who had accepted before it expired (0 or 1 of the two).", examples=[[]])
    expired_at: Instant = Field(description="When it lapsed.")


class MatchEnded(_MatchEvent):
    """A formed pair stopped meeting: completed as planned, or ended early. The reason, in words, is
    read from matching."""

    name: ClassVar[str] = "MatchEnded"
    version: ClassVar[int] = 2

    match_id: MatchId
    program_id: ProgramId
    participant_ids: PairIds
    outcome: Literal["completed", "ended_early"] = Field(description="As planned, or early.", examples=["completed"])
    ended_by: ParticipantId | None = Field(
        default=None,
        description="Who ended it, if one of the pair (else a coordinator or the program).",
        examples=["1c8d7e3f-4a2b-4d66-8e1f-7b2a5a1a9b22"],
    )
    ended_at: Instant = Field(description="When.")
    cause: EndCause | None = Field(
        default=None,
        description="What ended it, if known (contracts 2.2): one of the "
        "pair, a participant leaving, the program closing, or the pair lying dormant.",
        examples=["dormant"],
    )


class MatchStalled(_MatchEvent):
    """A formed pair completed no session for the number of days its program allows, and is now
    dormant: both are nudged, coordinators see it, and unless a session is completed by ``ends_at``
    the match ends (MatchEnded, cause dormant) and both may be matched again."""

    name: ClassVar[str] = "MatchStalled"

    match_id: MatchId
    program_id: ProgramId
    participant_ids: PairIds
    last_activity_at: Instant = Field(description="Their last completed session, or when the match formed.")
    dormant_at: Instant = Field(description="When it was found dormant.")
    ends_at: Instant = Field(description="When it ends unless they complete a session before.")


Arranger = Literal["coordinator", "admin"]
RuleCode = Annotated[
    Slug,
    Field(
        description="A rule, as a code: no-shared-language, no-shared-topic, "
        "different-campuses, time-zone-gap, nothing-in-common, no-meeting-mode, "
        "too-little-shared-time; read an unknown one as 'another rule'.",
        examples=["no-shared-language"],
    ),
]


class MatchArranged(_MatchEvent):
    """A coordinator (or an admin) of the program proposed two participants as a pair by hand (contracts
    2.6). It is a proposal like any other: both places are held, both accept or decline it through
    matching, it lapses at ``expires_at``, and MatchAccepted, MatchDeclined or MatchExpired follow;
    it is announced by this event instead of MatchProposed (count both as proposals). Score and parts
    are the program policy's, as for any proposal; the reasons in words and the coordinator's note to
    the pair quote people, so they are read from matching (``GET /matches/{id}``), and who proposed it
    stays in matching's audit trail."""

    name: ClassVar[str] = "MatchArranged"

    match_id: MatchId
    program_id: ProgramId
    topic_name: Label = Field(description="The topic the pair meets about.", examples=["Calculus II"])
    kind: MatchKind = Field(description="Mentor with mentee, or two peers.", examples=["mentor_mentee"])
    participants: list[MatchParticipant] = Field(min_length=2, max_length=2, description="The pair and their roles.")
    score: float = Field(
        ge=0, le=1, description="Weighted mean of the score parts, 0 to 1, under the program's current policy.", examples=[0.64]
    )
    score_parts: list[ScorePart] = Field(description="Each criterion's contribution.")
    proposed_at: Instant = Field(description="When it was proposed.")
    expires_at: Instant = Field(description="Until when both may accept.")
    arranged_by: Arranger = Field(
        description="The role of whoever proposed it (who, the audit trail says).", examples=["coordinator"]
    )
    overridden: list[RuleCode] = Field(
        default_factory=list,
        max_length=20,
        description="The program policy's rules under which matching itself would "
        "never have proposed this pair, knowingly overridden.",
        examples=[["no-shared-language"]],
    )
    with_note: bool = Field(
        default=False,
        description="Whether the coordinator wrote the pair a note (its words: GET /matches/{id}, `note`).",
        examples=[True],
    )


NudgeId = Annotated[UUID, Field(description="A nudge's id.", examples=["3e9a1b2c-4d5e-4f60-8a7b-9c0d1e2f3a4b"])]


class MatchNudged(_MatchEvent):
    """A coordinator (or an admin) checked in on a formed pair, dormant or not (contracts 2.6): notify
    mails both. At most one a pair in 24 hours. The coordinator's message, if any, is read from
    matching (``GET /matches/{match_id}/nudges/{nudge_id}``)."""

    name: ClassVar[str] = "MatchNudged"

    match_id: MatchId
    program_id: ProgramId
    participant_ids: PairIds
    nudge_id: NudgeId
    nudged_by: Arranger = Field(
        description="The role of whoever nudged them (who, the audit trail says).", examples=["coordinator"]
    )
    with_message: bool = Field(description="Whether it came with a message (its words: matching's API).", examples=[True])
    dormant: bool = Field(description="Whether the pair was dormant (MatchStalled, not revived) when nudged.", examples=[False])
    nudged_at: Instant = Field(description="When.")


class MatchEndedV1(MatchEnded):
    """Retired (contracts 2.0): carried the reason in words, possibly a participant's own."""

    version: ClassVar[int] = 1
    retired: ClassVar[bool] = True

    reason: Reason | None = Field(
        default=None,
        description="Why it ended early, if it did.",
        examples=["goals reached early"],
        json_schema_extra=PERSONAL_DATA,
    )
