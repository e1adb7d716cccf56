"""Base of every event: class-level metadata that names its type, version and topic."""

from typing import Annotated, ClassVar
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

from mentoring_contracts.topics import Topic

EVENT_TYPE_PREFIX = "org.mentoringmesh"


def _known_time_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown IANA time zone {value!r}") from error
    return value


TimeZoneName = Annotated[
    str,
    Field(description="IANA time zone name, e.g. 'Europe/Berlin'.", examples=["Europe/Berlin"]),
    AfterValidator(_known_time_zone),
]
Slug = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$"),
    Field(description="Lower-case identifier: letters, digits and dashes.", examples=["first-year-stem"]),
]


def _sent_at_most(limit: int) -> BeforeValidator:
    """The documented maxLength holds for the text as sent, before its surrounding whitespace is
    trimmed: 2,000 spaces around a word are refused, not quietly cut."""
    def check(value: object) -> object:
        if isinstance(value, str) and len(value) > limit:
            raise PydanticCustomError("string_too_long", "String should have at most {max_length} characters",
                                      {"max_length": limit})
        return value
    return BeforeValidator(check)


def trimmed_text(max_length: int) -> object:
    """Text of 1 to ``max_length`` characters as sent, kept without surrounding whitespace."""
    # The check wraps the constrained type: placed beside StringConstraints, pydantic would apply the
    # lengths before trimming, and a blank text would pass as empty.
    return Annotated[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)],
                     _sent_at_most(max_length)]


Label = trimmed_text(120)

# Identifiers and times every event uses; a field may sharpen the description.
ParticipantId = Annotated[UUID, Field(description="A participant's id.", examples=["0b7c6f2e-3f1a-4c55-9d0e-6a1f4f0f8a11"])]
MatchId = Annotated[UUID, Field(description="A match's id.", examples=["5d2e0c9b-8a43-4f7e-b1c2-3e4d5f6a7b8c"])]
SessionId = Annotated[UUID, Field(description="A session's id.", examples=["9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"])]
ProgramId = Annotated[Slug, Field(description="The program's id.", examples=["first-year-stem"])]
PairIds = Annotated[
    list[UUID],
    Field(min_length=2, max_length=2, description="The pair's two participant ids.",
          examples=[["0b7c6f2e-3f1a-4c55-9d0e-6a1f4f0f8a11", "1c8d7e3f-4a2b-4d66-8e1f-7b2a5a1a9b22"]]),
]
# Marks a field that holds personal data (a name, an address, an account id, a person's own words).
# Only retired event versions carry such fields: current versions hold ids and non-identifying
# attributes, and the personal data stays behind the services' authorised APIs, where erasure reaches it.
PERSONAL_DATA = {"x-personal-data": True}
SUBJECT_DESCRIPTION = ("The participant's account at the institution's identity provider (the access token's `sub`): "
                       "how services recognise the person acting. An opaque id, never a name or an address; "
                       "absent for participants from before identity.")
SUBJECT_EXAMPLE = "f10b93f7-9629-5cdf-b8fe-2682af5640dd"
AccountSubject = Annotated[str, StringConstraints(min_length=1, max_length=255)]
Instant = Annotated[AwareDatetime, Field(examples=["2026-11-25T17:00:00Z"])]
Reason = Annotated[trimmed_text(1000), Field(examples=["moved to another campus"])]  # type: ignore[valid-type]


class ContractModel(BaseModel):
    """Value objects inside events: immutable; unknown fields ignored (tolerant reader)."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class Event(ContractModel):
    """A fact that happened, named in the past tense, about exactly one aggregate."""

    name: ClassVar[str]
    version: ClassVar[int] = 1
    retired: ClassVar[bool] = False  # still read (history, transition), never written
    topic: ClassVar[Topic]
    aggregate_field: ClassVar[str]

    @classmethod
    def event_type(cls) -> str:
        """The CloudEvents ``type``: ``org.mentoringmesh.<Name>.v<version>``."""
        return f"{EVENT_TYPE_PREFIX}.{cls.name}.v{cls.version}"

    @classmethod
    def data_schema(cls) -> str:
        """The CloudEvents ``dataschema``: a stable, versioned identifier of the JSON Schema."""
        return f"urn:mentoringmesh:schema:{cls.name}:v{cls.version}"

    def aggregate_id(self) -> str:
        """The Kafka key and CloudEvents ``subject``: keeps one aggregate's events in order."""
        return str(getattr(self, self.aggregate_field))
