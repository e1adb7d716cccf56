"""Base of every event: class-level metadata that names its type, version and topic."""

from typing import Annotated, ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

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
    Field(description="Lower-case identifier: letters, digits and dashes."),
]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


class ContractModel(BaseModel):
    """Value objects inside events: immutable; unknown fields ignored (tolerant reader)."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class Event(ContractModel):
    """A fact that happened, named in the past tense, about exactly one aggregate."""

    name: ClassVar[str]
    version: ClassVar[int] = 1
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
