"""Who may take part in a program: its participation rules, read against a profile.

Every rule is checked, not only the first that fails, so a refusal can name them all. Besides the
rules a program states, every program asks that a profile fit what it is: its setting, one of its
campuses, the roles and topics it offers, and the attributes it defines."""

from dataclasses import dataclass
from typing import Any

from mentoring_contracts import ParticipantProfile, ProgramDefinition
from mentoring_contracts.events.programs import EligibilityRule

# The rules every program has, named so that a refusal can say which one failed.
SETTING, CAMPUS, ROLES, TOPICS, ATTRIBUTES = (
    "program-setting",
    "program-campus",
    "roles-offered",
    "topics-offered",
    "custom-attributes",
)


@dataclass(frozen=True, slots=True)
class Violation:
    """One rule a profile fails: which, on what attribute, and why in words. ``field``: where in a
    profile the value is (``custom_attributes.<name>``, ``languages``...), for the form that shows it."""

    rule_id: str
    message: str
    attribute: str | None = None
    expected: Any = None
    actual: Any = None
    field: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "attribute": self.attribute,
            "field": self.field or field_of(self.attribute),
            "message": self.message,
            "expected": self.expected,
            "actual": self.actual,
        }


def field_of(attribute: str | None) -> str | None:
    """The profile's field a rule's attribute reads: ``custom.course`` is ``custom_attributes.course``."""
    if attribute is None:
        return None
    if attribute.startswith("custom."):
        return "custom_attributes." + attribute.removeprefix("custom.")
    return {"language": "languages", "topics.role": "topics", "topics.topic": "topics"}.get(attribute, attribute)


def violations(definition: ProgramDefinition, profile: ParticipantProfile) -> list[Violation]:
    """Every rule of the program the profile fails; none: they may take part."""
    return [
        *_built_in(definition, profile),
        *(found for rule in definition.eligibility if (found := _check(rule, profile)) is not None),
    ]


def _built_in(definition: ProgramDefinition, profile: ParticipantProfile) -> list[Violation]:
    found = []
    if profile.program_setting != definition.setting:
        found.append(
            Violation(
                SETTING,
                f"the program is a {definition.setting} one, not {profile.program_setting}",
                "program_setting",
                definition.setting,
                profile.program_setting,
            )
        )
    if profile.campus not in definition.campuses:
        found.append(
            Violation(
                CAMPUS,
                f"the program runs on {_listed(definition.campuses)}, not on {profile.campus!r}",
                "campus",
                list(definition.campuses),
                profile.campus,
            )
        )
    roles = sorted({topic.role for topic in profile.topics} - set(definition.roles))
    if roles:
        found.append(
            Violation(
                ROLES,
                f"the program offers the roles {_listed(definition.roles)}, not {_listed(roles)}",
                "topics.role",
                list(definition.roles),
                roles,
            )
        )
    offered = {topic.casefold() for topic in definition.topics}
    topics = [topic.topic for topic in profile.topics if offered and topic.topic.casefold() not in offered]
    if topics:
        found.append(
            Violation(
                TOPICS,
                f"the program offers the topics {_listed(definition.topics)}, not {_listed(topics)}",
                "topics.topic",
                list(definition.topics),
                topics,
            )
        )
    return found + _attributes(definition, profile)


def _attributes(definition: ProgramDefinition, profile: ParticipantProfile) -> list[Violation]:
    """Each custom attribute given that the program does not define, or whose value is not of its
    kind: one violation each, naming its field."""
    defined = {attribute.name: attribute for attribute in definition.custom_attributes}
    found = [
        Violation(
            ATTRIBUTES,
            f"the program defines no attribute {name!r}" + (f" (it defines {_listed(sorted(defined))})" if defined else ""),
            "custom_attributes",
            sorted(defined),
            [name],
            f"custom_attributes.{name}",
        )
        for name in sorted(set(profile.custom_attributes) - set(defined))
    ]
    for name, value in sorted(profile.custom_attributes.items()):
        attribute = defined.get(name)
        if attribute is None:
            continue
        if attribute.kind == "number" and not _is_number(value):
            found.append(
                Violation(
                    ATTRIBUTES,
                    f"{name!r} must be a number",
                    "custom_attributes",
                    "number",
                    {name: value},
                    f"custom_attributes.{name}",
                )
            )
        elif attribute.kind == "choice" and attribute.choice(value) is None:
            found.append(
                Violation(
                    ATTRIBUTES,
                    f"{name!r} must be one of {_listed(attribute.choices)}, not {_shown(value)}",
                    "custom_attributes",
                    list(attribute.choices),
                    {name: value},
                    f"custom_attributes.{name}",
                )
            )
    return found


def _check(rule: EligibilityRule, profile: ParticipantProfile) -> Violation | None:
    values = _values(rule.attribute, profile)
    asked = rule.summary or _asked(rule)
    if not values:
        return Violation(
            rule.rule_id, f"no {rule.attribute} given; the program asks for {asked}", rule.attribute, _expected(rule), None
        )
    if any(_holds(rule, value) for value in values):
        return None
    actual = values if rule.attribute == "language" else values[0]
    return Violation(
        rule.rule_id,
        f"{rule.attribute} is {_shown(actual)}; the program asks for {asked}",
        rule.attribute,
        _expected(rule),
        actual,
    )


def _values(attribute: str, profile: ParticipantProfile) -> list[Any]:
    """What the profile says for the attribute (a language rule holds if any language of theirs fits)."""
    if attribute == "language":
        return list(profile.languages)
    if attribute.startswith("custom."):
        value = profile.custom_attributes.get(attribute.removeprefix("custom."))
    else:
        value = getattr(profile, attribute)
    return [] if value is None else [value]


def _holds(rule: EligibilityRule, value: Any) -> bool:
    if rule.operator == "equals":
        return _same(value, rule.value)
    if rule.operator == "one_of":
        return any(_same(value, allowed) for allowed in rule.values)
    if not _is_number(value):
        return False
    return (rule.minimum is None or value >= rule.minimum) and (rule.maximum is None or value <= rule.maximum)


def _same(value: Any, expected: Any) -> bool:
    """Words compare without case (Mathematics is mathematics); numbers as numbers."""
    if _is_number(value) and _is_number(expected):
        return float(value) == float(expected)
    return str(value).casefold() == str(expected).casefold()


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _expected(rule: EligibilityRule) -> Any:
    if rule.operator == "equals":
        return rule.value
    if rule.operator == "one_of":
        return list(rule.values)
    return {"minimum": rule.minimum, "maximum": rule.maximum}


def _asked(rule: EligibilityRule) -> str:
    if rule.operator == "equals":
        return _shown(rule.value)
    if rule.operator == "one_of":
        return f"one of {_listed(rule.values)}"
    if rule.minimum is not None and rule.maximum is not None:
        return f"{_number(rule.minimum)} to {_number(rule.maximum)}"
    return f"at least {_number(rule.minimum)}" if rule.minimum is not None else f"at most {_number(rule.maximum)}"


def _number(value: float | None) -> str:
    return str(int(value)) if value is not None and float(value).is_integer() else str(value)


def _shown(value: Any) -> str:
    return repr(value) if isinstance(value, str) else str(value)


def _listed(values: Any) -> str:
    return ", ".join(_shown(value) for value in values)
