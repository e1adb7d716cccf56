"""The program form, one part per page: each step reads its fields into the draft (the definition profile's
``POST/PUT /programs`` takes) and gives them back as the form shows them.

Lists of things (terms, registration questions, rules) are rows named ``<list>.<n>.<field>``, as profile
names them in a refusal (``terms.0.ends_on``): its message lands beside the very field. A row left blank
is no row. Profile checks everything again; this checks what a person can get wrong by typing, so that
the message is in their language and on the right page."""

import re
from datetime import date
from typing import Any

from mesh_web.i18n import gettext as _
from mesh_web.pages.pairing import check_text, list_of, text_of
from mesh_web.rendering import Form

STEPS = ("about", "terms", "matching", "limits", "questions", "rules")
STEP_OF_FIELD = {
    "program_id": "about",
    "name": "about",
    "setting": "about",
    "campuses": "about",
    "participation_criteria": "about",
    "terms": "terms",
    "matching_mode": "matching",
    "matchmaking": "matching",
    "roles_offered": "matching",
    "topics": "matching",
    "default_cadence": "matching",
    "session_minutes": "matching",
    "mentors_need_approval": "matching",
    "dormant_after_days": "limits",
    "dormant_grace_days": "limits",
    "capacity": "limits",
    "custom_attributes": "questions",
    "eligibility": "rules",
}
DEFINITION = tuple(name for name in STEP_OF_FIELD if name != "program_id")
ROLES = ("mentor", "mentee", "peer")
BUILT_IN_ATTRIBUTES = ("year_of_study", "department", "affiliation", "campus", "language")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
LABEL_MOST = 120
ROW_FIELDS = {
    "terms": ("term_id", "name", "starts_on", "ends_on"),
    "custom_attributes": ("label", "name", "kind", "choices", "help", "asked"),
    "eligibility": ("attribute", "operator", "value", "minimum", "maximum", "summary", "rule_id"),
}


def step_titles() -> dict[str, str]:
    return {
        "about": _("About the program"),
        "terms": _("Terms"),
        "matching": _("How pairs are made"),
        "limits": _("Limits and dormant pairs"),
        "questions": _("Registration questions"),
        "rules": _("Who can take part"),
    }


def blank_program() -> dict[str, Any]:
    return {
        "name": "",
        "setting": "academic",
        "campuses": [],
        "matching_mode": "mentor_mentee",
        "participation_criteria": [],
        "terms": [],
        "matchmaking": "both",
        "roles_offered": [],
        "topics": [],
        "default_cadence": "weekly",
        "session_minutes": 60,
        "dormant_after_days": 30,
        "dormant_grace_days": 14,
        "custom_attributes": [],
        "eligibility": [],
        "capacity": [],
        "mentors_need_approval": False,
    }


def definition_of(program: dict[str, Any]) -> dict[str, Any]:
    """What a program's page (profile's view) holds of its definition: the draft an edit starts from."""
    return {name: program[name] for name in DEFINITION if name in program}


def slug_of(text: str, separator: str = "-") -> str:
    words = re.sub(r"[^a-z0-9]+", separator, text.casefold().encode("ascii", "ignore").decode()).strip(separator)
    return words[:63].strip(separator)


# ---- from the draft to the form ------------------------------------------------------------------------


def values_of(step: str, draft: dict[str, Any], program_id: str | None) -> dict[str, Any]:
    """The step's fields as the form shows them."""
    if step == "about":
        return {
            "program_id": program_id or "",
            "name": draft["name"],
            "setting": draft["setting"],
            "campuses": list(draft["campuses"]),
            "participation_criteria": "\n".join(draft["participation_criteria"]),
        }
    if step == "matching":
        return {
            "matching_mode": draft["matching_mode"],
            "matchmaking": draft["matchmaking"],
            "roles_offered": list(draft["roles_offered"]),
            "topics": "\n".join(draft["topics"]),
            "default_cadence": draft["default_cadence"],
            "session_minutes": str(draft["session_minutes"]),
            "mentors_need_approval": ["yes"] if draft["mentors_need_approval"] else [],
        }
    if step == "limits":
        most = {limit["role"]: str(limit["most"]) for limit in draft["capacity"]}
        return {
            "dormant_after_days": str(draft["dormant_after_days"]),
            "dormant_grace_days": str(draft["dormant_grace_days"]),
            **{f"capacity.{role}": most.get(role, "") for role in ROLES},
        }
    rows = {"terms": draft["terms"], "questions": draft["custom_attributes"], "rules": draft["eligibility"]}[step]
    prefix = _list_of_step(step)
    values: dict[str, Any] = {}
    for index, row in enumerate(rows):
        for name in ROW_FIELDS[prefix]:
            values[f"{prefix}.{index}.{name}"] = _shown(name, row)
    return values


def _shown(name: str, row: dict[str, Any]) -> Any:
    if name == "choices":
        return "\n".join(row.get("choices") or [])
    if name == "asked":
        return ["yes"] if row.get("asked") else []
    if name == "value" and row.get("operator") == "one_of":
        return "; ".join(str(value) for value in row.get("values") or [])
    value = row.get(name)
    return "" if value is None else str(value)


def rows_shown(step: str, values: dict[str, Any], more: bool = False) -> int:
    """As many rows as are filled in, and one blank for a new one (two after "add another")."""
    prefix = _list_of_step(step)
    filled = _row_indices(prefix, values)
    return (max(filled) + 1 if filled else 0) + (2 if more else 1)


def _list_of_step(step: str) -> str:
    return {"terms": "terms", "questions": "custom_attributes", "rules": "eligibility"}[step]


def _row_indices(prefix: str, values: dict[str, Any]) -> list[int]:
    found = set()
    for key, value in values.items():
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == prefix and parts[1].isdigit() and value not in ("", [], None):
            found.add(int(parts[1]))
    return sorted(found)


# ---- from the form to the draft ------------------------------------------------------------------------


def read(step: str, values: dict[str, Any], form: Form, draft: dict[str, Any], *, new: bool) -> dict[str, Any]:
    """The draft with this step's answers; ``form`` gets a message for each field typed wrong."""
    reader = {
        "about": _about,
        "terms": _terms,
        "matching": _matching,
        "limits": _limits,
        "questions": _questions,
        "rules": _rules,
    }[step]
    return draft | reader(values, form, draft, new)


def _about(values: dict[str, Any], form: Form, draft: dict[str, Any], new: bool) -> dict[str, Any]:
    part: dict[str, Any] = {}
    if new:
        program_id = text_of(values, "program_id")
        if not program_id:
            form.error("program_id", _("Enter the program's id, for example first-year-stem."))
        elif not SLUG.match(program_id):
            form.error(
                "program_id", _("Use lower-case letters, digits and dashes only, starting with a letter or digit (at most 63).")
            )
        part["program_id"] = program_id
    part["name"] = text_of(values, "name")
    check_text(form, "name", part["name"], LABEL_MOST, missing=_("Enter the program's name."))
    part["setting"] = text_of(values, "setting")
    if part["setting"] not in ("academic", "workplace", "community"):
        form.error("setting", _("Choose where the program runs."))
    campuses = list_of(values, "campuses") + _lines(text_of(values, "other_campuses"))
    part["campuses"] = list(dict.fromkeys(campus.strip() for campus in campuses if campus.strip()))
    if not part["campuses"]:
        form.error("campuses", _("Choose at least one campus."))
    part["participation_criteria"] = _labels(form, "participation_criteria", text_of(values, "participation_criteria"), 30)
    return part


def _terms(values: dict[str, Any], form: Form, draft: dict[str, Any], new: bool) -> dict[str, Any]:
    terms = []
    for index in _row_indices("terms", values):
        field = f"terms.{index}"
        name = text_of(values, f"{field}.name")
        check_text(form, f"{field}.name", name, LABEL_MOST, missing=_("Enter the term's name."))
        term_id = text_of(values, f"{field}.term_id") or slug_of(name)
        if not SLUG.match(term_id):
            form.error(
                f"{field}.term_id",
                _("Use lower-case letters, digits and dashes only, starting with a letter or digit (at most 63)."),
            )
        starts, ends = (_day(form, f"{field}.{end}", text_of(values, f"{field}.{end}")) for end in ("starts_on", "ends_on"))
        if starts and ends and ends < starts:
            form.error(f"{field}.ends_on", _("The last day must be on or after the first day."))
        terms.append({"term_id": term_id, "name": name, "starts_on": str(starts or ""), "ends_on": str(ends or "")})
    if len({term["term_id"] for term in terms}) != len(terms):
        form.error("terms", _("Give each term its own id."))
    return {"terms": terms}


def _matching(values: dict[str, Any], form: Form, draft: dict[str, Any], new: bool) -> dict[str, Any]:
    part: dict[str, Any] = {
        "matching_mode": text_of(values, "matching_mode"),
        "matchmaking": text_of(values, "matchmaking"),
        "default_cadence": text_of(values, "default_cadence"),
        "roles_offered": [role for role in ROLES if role in list_of(values, "roles_offered")],
        "mentors_need_approval": "yes" in list_of(values, "mentors_need_approval"),
    }
    if part["matching_mode"] not in ("mentor_mentee", "peer"):
        form.error("matching_mode", _("Choose how people are paired."))
    if part["matchmaking"] not in ("coordinator_rounds", "self_selection", "both"):
        form.error("matchmaking", _("Choose who makes the pairs."))
    if part["default_cadence"] not in ("weekly", "biweekly", "monthly", "as_needed"):
        form.error("default_cadence", _("Choose how often pairs meet."))
    part["topics"] = _labels(form, "topics", text_of(values, "topics"), 200)
    part["session_minutes"] = _whole(form, "session_minutes", text_of(values, "session_minutes"), 15, 240, draft)
    return part


def _limits(values: dict[str, Any], form: Form, draft: dict[str, Any], new: bool) -> dict[str, Any]:
    part = {
        name: _whole(form, name, text_of(values, name), low, high, draft)
        for name, low, high in (("dormant_after_days", 1, 365), ("dormant_grace_days", 1, 180))
    }
    capacity = []
    for role in ROLES:
        text = text_of(values, f"capacity.{role}")
        if text:
            most = _whole(form, f"capacity.{role}", text, 0, 1_000_000, {})
            if most is not None:
                capacity.append({"role": role, "most": most})
    return part | {"capacity": capacity}


def _questions(values: dict[str, Any], form: Form, draft: dict[str, Any], new: bool) -> dict[str, Any]:
    questions = []
    for index in _row_indices("custom_attributes", values):
        field = f"custom_attributes.{index}"
        label = text_of(values, f"{field}.label")
        check_text(form, f"{field}.label", label, LABEL_MOST, missing=_("Enter the question's label."))
        name = text_of(values, f"{field}.name") or slug_of(label, "_")
        if not NAME.match(name):
            form.error(f"{field}.name", _("Use lower-case letters, digits, dashes and underscores only (at most 63)."))
        kind = text_of(values, f"{field}.kind") or "text"
        choices = _labels(form, f"{field}.choices", text_of(values, f"{field}.choices"), 100)
        if kind == "choice" and not choices:
            form.error(f"{field}.choices", _("List the answers people choose from, one per line."))
        if kind != "choice" and choices:
            form.error(
                f"{field}.choices",
                _("Only a question with answers to choose from has choices: choose that kind, or leave the choices empty."),
            )
        help_text = text_of(values, f"{field}.help")
        check_text(form, f"{field}.help", help_text, 500)
        questions.append(
            {
                "name": name,
                "label": label,
                "kind": kind,
                "choices": choices,
                "help": help_text or None,
                "asked": "yes" in list_of(values, f"{field}.asked"),
            }
        )
    if len({question["name"] for question in questions}) != len(questions):
        form.error("custom_attributes", _("Give each question its own name."))
    return {"custom_attributes": questions}


def _rules(values: dict[str, Any], form: Form, draft: dict[str, Any], new: bool) -> dict[str, Any]:
    rules = []
    known = {*BUILT_IN_ATTRIBUTES, *(f"custom.{question['name']}" for question in draft["custom_attributes"])}
    for index in _row_indices("eligibility", values):
        field = f"eligibility.{index}"
        attribute, operator = text_of(values, f"{field}.attribute"), text_of(values, f"{field}.operator")
        if attribute not in known:
            form.error(f"{field}.attribute", _("Choose what the rule reads."))
        rule: dict[str, Any] = {
            "attribute": attribute,
            "operator": operator,
            "summary": text_of(values, f"{field}.summary") or None,
        }
        check_text(form, f"{field}.summary", rule["summary"] or "", LABEL_MOST)
        if operator == "range":
            for end in ("minimum", "maximum"):
                rule[end] = _number(form, f"{field}.{end}", text_of(values, f"{field}.{end}"))
            if rule["minimum"] is None and rule["maximum"] is None and f"{field}.minimum" not in form.errors:
                form.error(f"{field}.minimum", _("Give the least value allowed, the most, or both."))
        elif operator in ("equals", "one_of"):
            given = [_typed(part) for part in re.split(r"\s*;\s*", text_of(values, f"{field}.value")) if part]
            if not given:
                form.error(f"{field}.value", _("Give the value the rule asks for (several: separated by ';')."))
            if operator == "equals" and len(given) > 1:
                form.error(f"{field}.value", _('Give one value, or choose "one of" for several.'))
            rule |= {"value": given[0] if given else None} if operator == "equals" else {"values": given}
        else:
            form.error(f"{field}.operator", _("Choose how the rule compares."))
        rule["rule_id"] = text_of(values, f"{field}.rule_id") or slug_of(rule["summary"] or f"{attribute}-{index + 1}")
        rules.append(rule)
    return {"eligibility": rules}


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def _labels(form: Form, name: str, text: str, most: int) -> list[str]:
    lines = list(dict.fromkeys(_lines(text)))
    if len(lines) > most:
        form.error(name, _("Give at most %(most)s, one per line.", most=most))
    too_long = [line for line in lines if len(line) > LABEL_MOST]
    if too_long:
        form.error(name, _("Keep each line to %(most)s characters or fewer.", most=LABEL_MOST))
    return lines


def _whole(form: Form, name: str, text: str, low: int, high: int, draft: dict[str, Any]) -> int | None:
    if text.isdigit() and low <= int(text) <= high:
        return int(text)
    form.error(name, _("Enter a whole number from %(low)s to %(high)s.", low=low, high=high))
    return draft.get(name)


def _number(form: Form, name: str, text: str) -> float | None:
    if not text:
        return None
    try:
        return float(text.replace(",", "."))
    except ValueError:
        form.error(name, _("Enter a number, such as 2 or 2.5."))
        return None


def _typed(text: str) -> str | int | float:
    """A rule's value as the attribute holds it: ``2`` a number for year_of_study, words otherwise."""
    if re.fullmatch(r"-?\d{1,9}", text):
        return int(text)
    return text


def _day(form: Form, name: str, text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        form.error(name, _("Enter a date, such as 2027-01-31."))
        return None
