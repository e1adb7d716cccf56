"""Events of the program aggregate (key: program_id): a mentoring program with its own criteria.

Contracts 2.1 added the program's terms, how pairs are made, what it offers, its participation rules
and its capacity, all optional with defaults (additive: ``ProgramCreated``/``ProgramUpdated`` stay v1).
Contracts 2.5 added registration questions: a custom attribute the participant answers themself
(``asked``, with ``help``), and the kind ``choice`` with its ``choices`` (additive too).
Who coordinates a program is not on the events (account ids are personal data): read it from profile
``GET /programs/{id}``."""

from datetime import date
from typing import Annotated, ClassVar, Literal, Self

from pydantic import Field, StringConstraints, model_validator

from mentoring_contracts.events.base import ContractModel, Event, Instant, Label, ProgramId, Reason, Slug, trimmed_text_rules
from mentoring_contracts.events.participants import Cadence, ProgramSetting, Role
from mentoring_contracts.topics import PROGRAMS

MatchingMode = Literal["mentor_mentee", "peer"]
Matchmaking = Literal["coordinator_rounds", "self_selection", "both"]
BUILT_IN_ATTRIBUTES = ("year_of_study", "department", "affiliation", "campus", "language")
NUMERIC_ATTRIBUTES = ("year_of_study",)
# A rule reads a profile attribute, or one the program defines (``custom.<name>``).
AttributeName = Annotated[
    str,
    StringConstraints(
        pattern=r"^(year_of_study|department|affiliation|campus|language|"
        r"custom\.[a-z0-9][a-z0-9_-]{0,62})$"
    ),
    Field(
        description="The attribute the rule reads: year_of_study, department, affiliation, "
        "campus, language, or custom.<name> for one the program defines.",
        examples=["year_of_study"],
    ),
]
RuleValue = Label | int | float


class Term(ContractModel):
    """A term or cohort of the program, with its dates (inclusive)."""

    term_id: Slug = Field(description="The term's id within the program.", examples=["2026-autumn"])
    name: Label = Field(description="The term's name as participants see it.", examples=["Autumn term 2026"])
    starts_on: date = Field(description="Its first day.", examples=["2026-09-14"])
    ends_on: date = Field(description="Its last day.", examples=["2026-12-18"])

    @model_validator(mode="after")
    def _starts_before_it_ends(self) -> Self:
        if self.ends_on < self.starts_on:
            raise ValueError(f"term {self.term_id}: ends_on {self.ends_on} is before starts_on {self.starts_on}")
        return self


AttributeKind = Literal["text", "number", "choice"]


class CustomAttribute(ContractModel):
    """An attribute the program asks of its participants beyond the profile's own (a course code, a
    faculty, a staff grade); rules name it ``custom.<name>``.

    Its value comes from the program's roster (or an admin), unless the program marks it ``asked``: a
    registration question the person answers themself when joining and may change later (contracts 2.5).
    A rule over an asked attribute rests on the person's own word."""

    name: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")] = Field(
        description="How profiles (``custom_attributes``) and rules (``custom.<name>``) name it.", examples=["course"]
    )
    label: Label = Field(description="How forms and rosters name it.", examples=["Course code"])
    kind: AttributeKind = Field(
        default="text", description="Words, a number, or one of ``choices`` (since 2.5).", examples=["text"]
    )
    asked: bool = Field(
        default=False,
        description="A registration question: the participant gives its value "
        "themself (joining, and changing their profile). False: only the "
        "program's roster or an admin gives it.",
        examples=[False],
    )
    help: Annotated[str, *trimmed_text_rules(500)] | None = Field(
        default=None,
        description="What the question means, for the form that asks it.",
        examples=["The code of the course you are enrolled in this term"],
    )
    choices: list[Label] = Field(
        default_factory=list,
        max_length=100,
        description="For kind choice: the values allowed (compared without case).",
        examples=[["MATH101", "PHYS101"]],
    )

    @model_validator(mode="after")
    def _choices_fit_the_kind(self) -> Self:
        if self.kind == "choice" and not self.choices:
            raise ValueError(f"attribute {self.name}: a choice needs its choices")
        if self.kind != "choice" and self.choices:
            raise ValueError(f"attribute {self.name}: only a choice has choices (kind {self.kind})")
        if len({choice.casefold() for choice in self.choices}) != len(self.choices):
            raise ValueError(f"attribute {self.name}: choices are named once each")
        return self

    def choice(self, value: object) -> str | None:
        """The program's spelling of ``value`` among the choices (compared without case), else None."""
        if not isinstance(value, str):
            return None
        return next((choice for choice in self.choices if choice.casefold() == value.casefold()), None)


class EligibilityRule(ContractModel):
    """Who may take part: one attribute compared with ``equals``, ``one_of`` or ``range`` (inclusive).
    A refused join names every rule it failed by ``rule_id``."""

    rule_id: Slug = Field(examples=["first-or-second-year"])
    attribute: AttributeName
    operator: Literal["equals", "one_of", "range"] = Field(description="How the attribute is compared.", examples=["range"])
    value: RuleValue | None = Field(default=None, description="For equals.", examples=["student"])
    values: list[RuleValue] = Field(
        default_factory=list, max_length=200, description="For one_of.", examples=[["Mathematics", "Physics"]]
    )
    minimum: float | None = Field(default=None, description="For range: the least value allowed.", examples=[1])
    maximum: float | None = Field(default=None, description="For range: the most value allowed.", examples=[2])
    summary: Label | None = Field(
        default=None, description="What the rule asks, in the program's words.", examples=["first- and second-year students"]
    )

    @model_validator(mode="after")
    def _operands_fit_the_operator(self) -> Self:
        given = {
            "equals": self.value is not None,
            "one_of": bool(self.values),
            "range": self.minimum is not None or self.maximum is not None,
        }
        if not given[self.operator]:
            needs = {"equals": "a value", "one_of": "values", "range": "a minimum or a maximum"}[self.operator]
            raise ValueError(f"rule {self.rule_id}: {self.operator} needs {needs}")
        if sum(given.values()) > 1:
            raise ValueError(f"rule {self.rule_id}: give only the operand of {self.operator}")
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise ValueError(f"rule {self.rule_id}: minimum {self.minimum} is above maximum {self.maximum}")
        if self.operator == "range" and self.attribute in BUILT_IN_ATTRIBUTES and self.attribute not in NUMERIC_ATTRIBUTES:
            raise ValueError(f"rule {self.rule_id}: {self.attribute} is not a number; use equals or one_of")
        return self


class RoleCapacity(ContractModel):
    """At most this many active participants take this role in the program."""

    role: Role = Field(description="The role limited.", examples=["mentor"])
    most: int = Field(ge=0, le=1_000_000, description="The most active participants in it.", examples=[150])


class ProgramDefinition(ContractModel):
    """What a program is and who may take part."""

    name: Label = Field(description="The program's name as participants see it.", examples=["First-year STEM peer mentoring"])
    setting: ProgramSetting = Field(description="Where the program runs.", examples=["academic"])
    campuses: list[Label] = Field(
        min_length=1, max_length=100, description="Campuses, sites or chapters it runs on.", examples=[["north", "south"]]
    )
    matching_mode: MatchingMode = Field(description="Mentors with mentees, or peers with peers.", examples=["mentor_mentee"])
    participation_criteria: list[Label] = Field(
        default_factory=list,
        max_length=30,
        description="Who may take part, in the program's own words.",
        examples=[["enrolled in a first-year STEM course"]],
    )
    terms: list[Term] = Field(default_factory=list, max_length=50, description="Its terms or cohorts.")
    matchmaking: Matchmaking = Field(
        default="both",
        description="How pairs are made: matching proposes them (on joining and in coordinators' "
        "rounds), participants choose a partner themselves, or both.",
        examples=["both"],
    )
    roles_offered: list[Role] = Field(
        default_factory=list,
        max_length=3,
        description="The roles people may take; empty: those of the matching mode.",
        examples=[["mentor", "mentee"]],
    )
    topics: list[Label] = Field(
        default_factory=list, max_length=200, description="The topics it offers; empty: any topic.", examples=[["Calculus II"]]
    )
    default_cadence: Cadence = Field(
        default="weekly", description="How often pairs meet unless they agree otherwise.", examples=["weekly"]
    )
    session_minutes: int = Field(
        default=60, ge=15, le=240, description="A session's length unless a pair agrees otherwise.", examples=[60]
    )
    dormant_after_days: int = Field(
        default=30,
        ge=1,
        le=365,
        description="A formed pair with no completed session for this many days is dormant: "
        "both are nudged and its coordinators see it.",
        examples=[30],
    )
    dormant_grace_days: int = Field(
        default=14,
        ge=1,
        le=180,
        description="A dormant pair with no completed session for this many days more ends "
        "(cause dormant) and both may be matched again.",
        examples=[14],
    )
    custom_attributes: list[CustomAttribute] = Field(
        default_factory=list, max_length=30, description="Attributes it asks of participants beyond the profile's."
    )
    eligibility: list[EligibilityRule] = Field(
        default_factory=list, max_length=50, description="Every rule must hold for a person to join."
    )
    capacity: list[RoleCapacity] = Field(
        default_factory=list, max_length=3, description="The most active participants per role; a role not named has no limit."
    )
    mentors_need_approval: bool = Field(
        default=False,
        description="A person who joins (or changes their profile) to mentor is published without "
        "their mentor topics and capacity until a coordinator of their campus approves them: "
        "matching never pairs them as a mentor before. Roster rows need no approval.",
        examples=[False],
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        defined = {attribute.name for attribute in self.custom_attributes}
        if len(defined) != len(self.custom_attributes):
            raise ValueError("custom attributes need distinct names")
        rule_ids = [rule.rule_id for rule in self.eligibility]
        if len(set(rule_ids)) != len(rule_ids):
            raise ValueError("eligibility rules need distinct rule_id values")
        attributes = {attribute.name: attribute for attribute in self.custom_attributes}
        for rule in self.eligibility:
            if rule.attribute.startswith("custom.") and rule.attribute.removeprefix("custom.") not in defined:
                raise ValueError(f"rule {rule.rule_id} reads {rule.attribute}, which custom_attributes does not define")
            _rule_fits_the_choices(rule, attributes.get(rule.attribute.removeprefix("custom.")))
        if len({limit.role for limit in self.capacity}) != len(self.capacity):
            raise ValueError("one capacity limit per role")
        if len({term.term_id for term in self.terms}) != len(self.terms):
            raise ValueError("terms need distinct term_id values")
        if len(set(self.campuses)) != len(self.campuses):
            raise ValueError("campuses are named once each")
        return self

    @property
    def roles(self) -> tuple[Role, ...]:
        """The roles people may take: as offered, else those of the matching mode."""
        if self.roles_offered:
            return tuple(self.roles_offered)
        return ("mentor", "mentee") if self.matching_mode == "mentor_mentee" else ("peer",)


def _rule_fits_the_choices(rule: EligibilityRule, attribute: CustomAttribute | None) -> None:
    """A rule over a choice compares it with some of its choices: another value could never hold."""
    if attribute is None or attribute.kind != "choice" or not rule.attribute.startswith("custom."):
        return
    if rule.operator == "range":
        raise ValueError(f"rule {rule.rule_id}: {rule.attribute} is a choice, not a number; use equals or one_of")
    for value in [rule.value] if rule.operator == "equals" else rule.values:
        if attribute.choice(value) is None:
            raise ValueError(
                f"rule {rule.rule_id}: {value!r} is not one of the choices of {rule.attribute} ({', '.join(attribute.choices)})"
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
    """A program closed: nobody joins any more, no new matches are proposed, and its open matches end
    (with this reason, read from matching). Its history stays readable."""

    name: ClassVar[str] = "ProgramClosed"
    topic: ClassVar = PROGRAMS
    aggregate_field: ClassVar[str] = "program_id"

    program_id: ProgramId
    reason: Reason | None = Field(default=None, description="Why, if given.", examples=["end of the academic year"])
    closed_at: Instant = Field(description="When it closed.")
