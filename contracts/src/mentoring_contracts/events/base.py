"""Base of every event: class-level metadata that names its type, version and topic."""

import re
from typing import Annotated, ClassVar
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints
from pydantic.json_schema import JsonDict
from pydantic_core import PydanticCustomError

from mentoring_contracts.topics import Topic

EVENT_TYPE_PREFIX = "org.mentoringmesh"


# Every IANA name fits this shape (letters, digits, "_", "+", "-", slash-separated), and none is
# longer than 32 characters; anything else is refused before the zone database is looked at.
TIME_ZONE_SHAPE = r"^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$"
TIME_ZONE_MAX_LENGTH = 64


def _known_time_zone(value: str) -> str:
    """A time zone is a name the zone database resolves; every failure to resolve it is a refusal."""
    # The lookup opens a file named by the input: bound and shape it first, and catch whatever the
    # file system or the TZif parser raises (a name too long, a directory, a file that is no zone).
    if len(value) > TIME_ZONE_MAX_LENGTH or not re.fullmatch(TIME_ZONE_SHAPE, value):
        raise ValueError("not an IANA time zone name (like Europe/Berlin)")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, KeyError, OSError) as error:
        raise ValueError(f"unknown IANA time zone {value!r}") from error
    return value


TimeZoneName = Annotated[
    str,
    StringConstraints(max_length=TIME_ZONE_MAX_LENGTH, pattern=TIME_ZONE_SHAPE),
    Field(description="IANA time zone name, e.g. 'Europe/Berlin'.", examples=["Europe/Berlin"]),
    AfterValidator(_known_time_zone),
]
Slug = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$"),
    Field(description="Lower-case identifier: letters, digits and dashes.", examples=["first-year-stem"]),
]


# C0 and C1 controls, DEL, and the Unicode line and paragraph separators: in a name they break the
# mail headers and lines it is put in (a CR/LF in a display name made every mail naming it fail).
_CONTROLS = "\\u0000-\\u001F\\u007F-\\u009F\\u2028\\u2029"
# Free text in several lines keeps the line feed and the tab, and nothing else of them.
_CONTROLS_BUT_LINES = "\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F\\u2028\\u2029"
SINGLE_LINE, MULTI_LINE = f"^[^{_CONTROLS}]*$", f"^[^{_CONTROLS_BUT_LINES}]*$"  # as published in the schemas
_SINGLE_LINE, _MULTI_LINE = re.compile(f"[{_CONTROLS}]"), re.compile(f"[{_CONTROLS_BUT_LINES}]")  # what is refused


def _sent_at_most(limit: int) -> BeforeValidator:
    """The documented maxLength holds for the text as sent, before its surrounding whitespace is
    trimmed: 2,000 spaces around a word are refused, not quietly cut."""

    def check(value: object) -> object:
        if isinstance(value, str) and len(value) > limit:
            raise PydanticCustomError(
                "string_too_long", "String should have at most {max_length} characters", {"max_length": limit}
            )
        return value

    return BeforeValidator(check)


def _without_controls(multi_line: bool) -> BeforeValidator:
    """Control characters are refused anywhere in the text as sent, at its ends too: never quietly
    trimmed into a different text. Multi-line text may hold line feeds and tabs; its line endings
    are read as a textarea gives them, CR LF and a lone CR becoming one line feed."""
    allowed = _MULTI_LINE if multi_line else _SINGLE_LINE

    def check(value: object) -> object:
        if not isinstance(value, str):
            return value
        if multi_line:
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        if (found := allowed.search(value)) is None:
            return value
        if found.group() == "\x00":  # worded as the refusal PostgreSQL's would be (problems.py)
            raise PydanticCustomError("control_character", "Text may not contain the NUL character (\\u0000)")
        rule = (
            "Text may hold line feeds and tabs but no other control characters or line separators"
            if multi_line
            else "Text may not hold control characters or line separators"
        )
        raise PydanticCustomError("control_character", rule + " (found U+{code})", {"code": f"{ord(found.group()):04X}"})

    return BeforeValidator(check)


def plain_text_rules(max_length: int, *, multi_line: bool = False) -> tuple[object, ...]:
    """Text of 1 to ``max_length`` characters, kept as sent, without control characters (line feeds
    and tabs allowed in ``multi_line`` text): ``Annotated[str, *plain_text_rules(500)]``."""
    pattern = MULTI_LINE if multi_line else SINGLE_LINE
    return StringConstraints(min_length=1, max_length=max_length, pattern=pattern), _without_controls(multi_line)


def trimmed_text_rules(max_length: int, *, multi_line: bool = False) -> tuple[object, ...]:
    """Text of 1 to ``max_length`` characters as sent, kept without surrounding whitespace, and
    without control characters (line feeds and tabs allowed in ``multi_line`` text):
    ``Annotated[str, *trimmed_text_rules(500)]``."""
    # The checks come after StringConstraints, as if wrapping the constrained type: placed before
    # it, pydantic would apply the lengths before trimming, and a blank text would pass as empty.
    # The pattern documents the rule in the published schema; the checks hold it for the text as sent.
    pattern = MULTI_LINE if multi_line else SINGLE_LINE
    return (
        StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length, pattern=pattern),
        _without_controls(multi_line),
        _sent_at_most(max_length),
    )


# Built at run time, so a type checker cannot read them as types: write `Annotated[str, *..._rules(n)]`.
def plain_text(max_length: int, *, multi_line: bool = False) -> object:
    """The type ``Annotated[str, *plain_text_rules(max_length, multi_line=multi_line)]``."""
    return Annotated[str, *plain_text_rules(max_length, multi_line=multi_line)]


def trimmed_text(max_length: int, *, multi_line: bool = False) -> object:
    """The type ``Annotated[str, *trimmed_text_rules(max_length, multi_line=multi_line)]``."""
    return Annotated[str, *trimmed_text_rules(max_length, multi_line=multi_line)]


Label = Annotated[str, *trimmed_text_rules(120)]

# Identifiers and times every event uses; a field may sharpen the description.
ParticipantId = Annotated[UUID, Field(description="A participant's id.", examples=["0b7c6f2e-3f1a-4c55-9d0e-6a1f4f0f8a11"])]
MatchId = Annotated[UUID, Field(description="A match's id.", examples=["5d2e0c9b-8a43-4f7e-b1c2-3e4d5f6a7b8c"])]
SessionId = Annotated[UUID, Field(description="A session's id.", examples=["9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"])]
ProgramId = Annotated[Slug, Field(description="The program's id.", examples=["first-year-stem"])]
PairIds = Annotated[
    list[UUID],
    Field(
        min_length=2,
        max_length=2,
        description="The pair's two participant ids.",
        examples=[["0b7c6f2e-3f1a-4c55-9d0e-6a1f4f0f8a11", "1c8d7e3f-4a2b-4d66-8e1f-7b2a5a1a9b22"]],
    ),
]
# Marks a field that holds personal data (a name, an address, an account id, a person's own words).
# Only retired event versions carry such fields: current versions hold ids and non-identifying
# attributes, and the personal data stays behind the services' authorised APIs, where erasure reaches it.
PERSONAL_DATA: JsonDict = {"x-personal-data": True}
SUBJECT_DESCRIPTION = (
    "The participant's account at the institution's identity provider (the access token's `sub`): "
    "how services recognise the person acting. An opaque id, never a name or an address; "
    "absent for participants from before identity."
)
SUBJECT_EXAMPLE = "f10b93f7-9629-5cdf-b8fe-2682af5640dd"
AccountSubject = Annotated[str, *plain_text_rules(255)]
Instant = Annotated[AwareDatetime, Field(examples=["2026-11-25T17:00:00Z"])]
Reason = Annotated[str, *trimmed_text_rules(1000, multi_line=True), Field(examples=["moved to another campus"])]


class ContractModel(BaseModel):
    """Value objects inside events: immutable; unknown fields ignored (tolerant reader); every
    number finite (NaN and Infinity are refused wherever a float is taken, in dicts too)."""

    model_config = ConfigDict(frozen=True, extra="ignore", allow_inf_nan=False)


class Event(ContractModel):
    """A fact that happened, named in the past tense, about exactly one aggregate."""

    name: ClassVar[str]
    version: ClassVar[int] = 1
    retired: ClassVar[bool] = False  # still read (history, transition), never written
    topic: ClassVar[Topic]
    # Topics it travelled on before a move; their consumers read them only to refuse it there.
    formerly_on: ClassVar[tuple[Topic, ...]] = ()
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
