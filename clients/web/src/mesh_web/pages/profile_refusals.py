"""Profile's refusals of a join or a profile change, as messages beside the fields they concern.

- ``not-eligible`` (422; 409 when only places are lacking): ``violations``, each naming the rule that
  failed and the profile ``field`` it reads; said here in the visitor's language from the program's
  own rule (its summary, in the program's words, else its operands).
- a request that does not fit the schema (422): ``errors``, each with a ``location`` (``body.languages.0``).
- not vouched (403): a fact only the institution gives; its ``detail`` starts with the field's name.
A refusal naming no field on the page goes to ``GENERAL``, a message at the top of the form."""

from typing import Any

from mesh_web.api.base import ApiProblem
from mesh_web.i18n import gettext as _
from mesh_web.pages import profile_choices, profile_form
from mesh_web.rendering import Form

GENERAL = "refusal"  # the id of the form's own message region
FACTS = ("affiliation", "year_of_study", "department")
SINGLE = (
    "display_name",
    "campus",
    "mentor_capacity",
    "languages",
    "meeting_modes",
    "preferred_cadence",
    "time_zone",
    "weekly_availability",
    "topics",
    *profile_form.WORD_LISTS,
    *FACTS,
)


def field_of(location: str | None, on_page: set[str]) -> str:
    """The form field a service's location or field names: ``body.weekly_availability.0.start`` is
    ``weekly_availability``; ``custom_attributes.course`` stays itself; else the form's own message."""
    parts = str(location or "").removeprefix("body.").split(".")
    name = ".".join(parts[:2]) if parts[0] == "custom_attributes" and len(parts) > 1 else parts[0]
    return name if name in on_page else GENERAL


def fields_on_page(program: dict[str, Any], institution_fields: list[str] = ()) -> set[str]:
    return {
        *SINGLE,
        *(f"custom_attributes.{attribute['name']}" for attribute in profile_form.questions(program)),
        *institution_fields,
    }


def apply(form: Form, problem: ApiProblem, program: dict[str, Any], on_page: set[str]) -> None:
    """Every message the refusal carries, beside its field (several on one field are joined)."""
    for violation in problem.body.get("violations") or []:
        if isinstance(violation, dict):
            _add(form, field_of(violation.get("field"), on_page), violation_message(violation, program))
    for error in problem.body.get("errors") or []:
        if isinstance(error, dict):
            _add(form, field_of(error.get("location"), on_page), str(error.get("message") or problem.detail))
    if problem.status == 403 and not form.errors:
        named = problem.detail.split(" ", 1)[0]
        if named.startswith(("custom_attributes.", *FACTS)):
            _add(form, field_of(named, on_page), fact_message(named, program))
        elif "campus" in problem.detail:
            _add(form, "campus", _("Choose one of your own campuses."))
    if not form.errors:
        _add(form, GENERAL, general_message(problem))


def _add(form: Form, field: str, message: str) -> None:
    if field in form.errors:
        if message not in form.errors[field]:
            form.errors[field] += " " + message
    else:
        form.errors[field] = message


def general_message(problem: ApiProblem) -> str:
    kind = problem.short_kind
    if kind == "program-closed":
        return _("This program has closed: it takes no new participants and no changes.")
    if problem.status == 409 and "already joined" in problem.detail:
        return _("Someone with your email address is already in this program. Ask its coordinator for help.")
    if problem.status == 409 and "approves you as a mentor" in problem.detail:
        return _("Until a coordinator approves you as a mentor, keep at least one topic in another role.")
    if problem.status == 403 and "email" in problem.detail:
        return _(
            "Your institution has not given us a verified email address for you, so this cannot be done here. "
            "Ask your institution, or the program's coordinator."
        )
    return _("The profile service refused this: %(reason)s", reason=problem.detail)


def attribute_label(attribute: str | None, program: dict[str, Any]) -> str:
    """What a rule's attribute is called on the page."""
    name = str(attribute or "")
    if name.startswith(("custom.", "custom_attributes.")):
        wanted = name.split(".", 1)[1]
        return next(
            (item.get("label") or wanted for item in program.get("custom_attributes") or [] if item.get("name") == wanted), wanted
        )
    return {
        "year_of_study": _("Year of study"),
        "department": _("Department"),
        "affiliation": _("Affiliation"),
        "campus": _("Campus"),
        "language": _("Languages"),
        "languages": _("Languages"),
        "topics": _("Topics and roles"),
    }.get(name, name)


def rule_text(rule: dict[str, Any]) -> str:
    """What a rule asks, in the program's words when it gave them."""
    if rule.get("summary"):
        return str(rule["summary"])
    if rule.get("operator") == "equals":
        return _shown(rule.get("value"))
    if rule.get("operator") == "one_of":
        return _("one of %(values)s", values=", ".join(_shown(value) for value in rule.get("values") or []))
    minimum, maximum = rule.get("minimum"), rule.get("maximum")
    if minimum is not None and maximum is not None:
        return _("%(minimum)s to %(maximum)s", minimum=_shown(minimum), maximum=_shown(maximum))
    if minimum is not None:
        return _("at least %(minimum)s", minimum=_shown(minimum))
    return _("at most %(maximum)s", maximum=_shown(maximum))


def rules(program: dict[str, Any]) -> list[dict[str, str]]:
    """The program's rules as its join page lists them: what each reads and asks."""
    return [
        {
            "rule_id": rule["rule_id"],
            "label": attribute_label(rule.get("attribute"), program),
            "asks": rule_text(rule),
            "label_words": str(rule.get("attribute", "")).startswith("custom."),
            "asks_words": bool(rule.get("summary")),
        }
        for rule in program.get("eligibility") or []
    ]


def violation_message(violation: dict[str, Any], program: dict[str, Any]) -> str:
    rule_id = str(violation.get("rule_id") or violation.get("rule") or "")
    field = str(violation.get("field") or "")
    label = attribute_label(field if field.startswith("custom_attributes.") else violation.get("attribute") or field, program)
    actual, expected = violation.get("actual"), violation.get("expected")
    stated = {rule.get("rule_id"): rule for rule in program.get("eligibility") or []}
    if rule_id in stated:
        asks = rule_text(stated[rule_id])
        if actual in (None, "", []):
            return _("%(label)s: this program asks for %(asks)s, and none was given.", label=label, asks=asks)
        return _("%(label)s: this program asks for %(asks)s, not %(actual)s.", label=label, asks=asks, actual=_shown(actual))
    if rule_id.startswith("capacity-"):
        role = profile_choices.role_names().get(str(actual), str(actual))
        return _("This program has no places left for the role %(role)s.", role=role)
    if rule_id == "institution-facts":
        return fact_message(field, program)
    built_in = {
        "program-campus": _("This program does not run on this campus."),
        "roles-offered": _("This program does not offer one of the roles you chose."),
        "topics-offered": _("This program does not offer one of the topics you chose."),
        "program-setting": _("This profile is for another kind of program."),
    }
    if rule_id in built_in:
        return built_in[rule_id]
    if rule_id == "custom-attributes":
        if expected == "number":
            return _("%(question)s: enter a number, for example 3 or 2.5.", question=label)
        if isinstance(expected, list) and isinstance(actual, dict):
            return _("%(question)s: choose one of the options.", question=label)
        return _("%(question)s: this program does not ask this question.", question=label)
    return str(violation.get("message") or rule_id)


def fact_message(field: str, program: dict[str, Any]) -> str:
    return _(
        "%(label)s comes from your institution, so it cannot be given or changed here.", label=attribute_label(field, program)
    )


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(_shown(item) for item in value.values())
    if isinstance(value, list):
        return ", ".join(_shown(item) for item in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
