"""The profile form the join and profile pages share: what it offers, the values it starts from (a
newcomer's guesses, or the profile as it is), and a posted form checked here first, with a message
beside each field, then turned into the ParticipantProfile that profile's API takes (contracts:
``ParticipantProfile``; the vouched facts and the email are added by the page that sends it).

Field names are the profile's own where there is one (``display_name``, ``time_zone``,
``custom_attributes.<name>``), so a refusal naming a field lands beside it. Topics are picked per role
(``topics.mentor``, ``topics.mentee``, ``topics.peer``), so a person may mentor one topic and be mentored
in another; ``availability`` is the grid's ticked cells (pages/availability.py)."""

import re
from typing import Any

from starlette.requests import Request

from mesh_web.failures import PAGE_FIELD
from mesh_web.i18n import gettext as _
from mesh_web.pages import availability
from mesh_web.pages.profile_choices import CADENCES, COMMON_LANGUAGES, MODES, ROLES, known_zone
from mesh_web.rendering import Form

TOPIC_FIELDS = tuple(f"topics.{role}" for role in ROLES)
LISTS = ("languages", "meeting_modes", "availability", *TOPIC_FIELDS)  # always lists, empty when nothing is ticked
WORD_LISTS = ("goals", "interests", "experiences", "challenges")  # one per line
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$")
NUMBER = re.compile(r"^[-+]?\d{1,15}([.,]\d{1,15})?$")
LONGEST, MOST_TOPICS, MOST_LANGUAGES, MOST_LINES, MOST_MENTEES = 120, 20, 10, 30, 20


def roles(program: dict[str, Any]) -> list[str]:
    """The roles a person may take in the program (profile's ``joinable_roles``)."""
    offered = (
        program.get("joinable_roles")
        or program.get("roles_offered")
        or (["mentor", "mentee"] if program.get("matching_mode") == "mentor_mentee" else ["peer"])
    )
    return [role for role in ROLES if role in offered]


def questions(program: dict[str, Any]) -> list[dict[str, Any]]:
    """The program's registration questions: the custom attributes it marks ``asked``."""
    return [attribute for attribute in program.get("custom_attributes") or [] if attribute.get("asked")]


def required_questions(program: dict[str, Any]) -> set[str]:
    """The questions a rule reads: without an answer the rule cannot hold, so they must be answered."""
    return {
        rule["attribute"].removeprefix("custom.")
        for rule in program.get("eligibility") or []
        if str(rule.get("attribute", "")).startswith("custom.")
    }


async def posted(request: Request) -> Form:
    """The posted form: a field sent several times as a list, the checkbox groups always lists."""
    values: dict[str, Any] = {name: [] for name in LISTS}
    for key, value in (await request.form()).multi_items():
        if key == PAGE_FIELD or not isinstance(value, str):
            continue
        if key in LISTS:
            values[key].append(value)
        else:
            values[key] = value.strip()
    return Form(values=values)


def restored(form: Form) -> Form:
    """A form kept over a sign-in or an outage, read as posted (a group with nothing ticked was not sent)."""
    return Form(values=form.values | {name: form.values_of(name) for name in LISTS})


def topic_options(program: dict[str, Any], form: Form) -> list[str]:
    """The program's topics, and any a profile has that the program no longer lists (to untick)."""
    offered = list(program.get("topics") or [])
    known = {topic.casefold() for topic in offered}
    for name in TOPIC_FIELDS:
        for topic in form.values_of(name):
            if topic.casefold() not in known:
                offered.append(topic)
                known.add(topic.casefold())
    return offered


def newcomer(program: dict[str, Any], *, name: str, language: str, zone: str, campuses: list[str]) -> dict[str, Any]:
    """What a join form starts from: their name, their campus if only one fits, the page's language."""
    return {name_: [] for name_ in LISTS} | {
        "display_name": name,
        "campus": campuses[0] if len(campuses) == 1 else "",
        "time_zone": zone,
        "languages": [language.split("-")[0]] if language.split("-")[0] in COMMON_LANGUAGES else [],
        "preferred_cadence": program.get("default_cadence", "weekly"),
        "mentor_capacity": "1",
    }


def values_of(profile: dict[str, Any], program: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The form's values for a profile as it is; also whether its availability was rounded to whole hours."""
    offered = {topic.casefold(): topic for topic in program.get("topics") or []}
    cells, rounded = availability.cells_of(profile.get("weekly_availability") or [])
    languages = list(profile.get("languages") or [])
    answers = profile.get("custom_attributes") or {}
    values: dict[str, Any] = {
        "display_name": profile.get("display_name", ""),
        "campus": profile.get("campus", ""),
        "time_zone": profile.get("time_zone", "UTC"),
        "preferred_cadence": profile.get("preferred_cadence", "weekly"),
        "mentor_capacity": str(profile.get("mentor_capacity") or 1),
        "availability": cells,
        "meeting_modes": list(profile.get("meeting_modes") or []),
        "languages": [code for code in languages if code in COMMON_LANGUAGES],
        "languages_other": ", ".join(code for code in languages if code not in COMMON_LANGUAGES),
        **{
            f"topics.{role}": [
                offered.get(topic["topic"].casefold(), topic["topic"])
                for topic in profile.get("topics") or []
                if topic.get("role") == role
            ]
            for role in ROLES
        },
        **{name: "\n".join(profile.get(name) or []) for name in WORD_LISTS},
        **{f"custom_attributes.{attribute['name']}": shown(answers.get(attribute["name"])) for attribute in questions(program)},
    }
    return values, rounded


def shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def checked(form: Form, program: dict[str, Any], campuses: list[str]) -> dict[str, Any]:
    """The profile's fields from the posted form; each problem is put beside its field in ``form``."""
    profile: dict[str, Any] = {"display_name": _label(form, "display_name", _("Enter your name."))}
    profile["campus"] = form.value("campus")
    if profile["campus"] not in campuses:
        form.error("campus", _("Choose your campus."))
    profile["topics"] = _topics(form, program)
    mentors = any(topic["role"] == "mentor" for topic in profile["topics"])
    profile["mentor_capacity"] = _capacity(form) if mentors else 0
    profile["custom_attributes"] = _answers(form, program)
    profile["languages"] = _languages(form)
    profile["meeting_modes"] = [mode for mode in MODES if mode in form.values_of("meeting_modes")]
    if not profile["meeting_modes"]:
        form.error("meeting_modes", _("Choose how you can meet: online, in person, or both."))
    cadence = form.value("preferred_cadence")
    profile["preferred_cadence"] = cadence if cadence in CADENCES else program.get("default_cadence", "weekly")
    profile["time_zone"] = form.value("time_zone")
    if not known_zone(profile["time_zone"]):
        form.error("time_zone", _("Choose your time zone from the list."))
    profile["weekly_availability"] = _availability(form)
    for name in WORD_LISTS:
        profile[name] = _lines(form, name)
    return profile


def _label(form: Form, name: str, missing: str) -> str:
    value = str(form.value(name)).strip()
    if not value:
        form.error(name, missing)
    elif len(value) > LONGEST:
        form.error(name, _("Write at most %(most)s characters.", most=LONGEST))
    return value


def _topics(form: Form, program: dict[str, Any]) -> list[dict[str, str]]:
    offered = {topic.casefold(): topic for topic in program.get("topics") or []}
    chosen: list[dict[str, str]] = []
    for role in roles(program):
        entries = form.values_of(f"topics.{role}")
        if not offered:  # any topic: typed, one per line
            entries = [line.strip() for entry in entries for line in entry.splitlines() if line.strip()]
        seen: set[str] = set()
        for entry in entries:
            if len(entry) > LONGEST:
                form.error("topics", _("Write each topic in at most %(most)s characters.", most=LONGEST))
            elif offered and entry.casefold() not in offered:
                form.error("topics", _("Choose topics this program offers."))
            elif entry.casefold() not in seen:
                seen.add(entry.casefold())
                chosen.append({"topic": offered.get(entry.casefold(), entry), "role": role})
    if not chosen:
        form.error("topics", _("Choose at least one topic, in at least one role."))
    elif len(chosen) > MOST_TOPICS:
        form.error("topics", _("Choose at most %(most)s topics in all (each role counts).", most=MOST_TOPICS))
    return chosen


def _capacity(form: Form) -> int:
    raw = str(form.value("mentor_capacity")).strip()
    if raw.isdigit() and 1 <= int(raw) <= MOST_MENTEES:
        return int(raw)
    form.error(
        "mentor_capacity",
        _("Enter how many mentees you can mentor at once, a whole number from 1 to %(most)s.", most=MOST_MENTEES),
    )
    return 1


def _languages(form: Form) -> list[str]:
    chosen = [code for code in form.values_of("languages") if code in COMMON_LANGUAGES]
    others = [part for part in re.split(r"[\s,;]+", str(form.value("languages_other"))) if part]
    found: dict[str, str] = {}
    for code in [*chosen, *(part for part in others if LANGUAGE_TAG.match(part))]:
        found.setdefault(code.casefold(), code)
    if not found and not others:
        form.error("languages", _("Choose at least one language you can meet in."))
    elif len(found) > MOST_LANGUAGES:
        form.error("languages", _("Choose at most %(most)s languages.", most=MOST_LANGUAGES))
    if any(not LANGUAGE_TAG.match(part) for part in others):
        form.error("languages_other", _("Write other languages as language codes separated by commas, for example: nl, pt-BR."))
    return list(found.values())


def _availability(form: Form) -> list[dict[str, str]]:
    try:
        slots = availability.slots_of(form.values_of("availability"))
    except availability.BadCell:
        form.error("weekly_availability", _("Tick the hours when you can meet in the grid."))
        return []
    if not slots:
        form.error("weekly_availability", _("Tick at least one hour when you can meet."))
    elif len(slots) > availability.MOST_SLOTS:
        form.error(
            "weekly_availability",
            _("Join some of your times up: at most %(most)s separate times a week.", most=availability.MOST_SLOTS),
        )
    return slots


def _answers(form: Form, program: dict[str, Any]) -> dict[str, Any]:
    required = required_questions(program)
    answers: dict[str, Any] = {}
    for attribute in questions(program):
        name = attribute["name"]
        field, label = f"custom_attributes.{name}", attribute.get("label") or name
        raw = str(form.value(field)).strip()
        if not raw:
            if name in required:
                form.error(field, _("%(question)s: answer this question.", question=label))
            continue
        if attribute.get("kind") == "number":
            number = _number(raw)
            if number is None:
                form.error(field, _("%(question)s: enter a number, for example 3 or 2.5.", question=label))
                continue
            answers[name] = int(number) if number.is_integer() and abs(number) < 2**53 else number
        elif attribute.get("kind") == "choice":
            spelled = next((choice for choice in attribute.get("choices") or [] if choice.casefold() == raw.casefold()), None)
            if spelled is None:
                form.error(field, _("%(question)s: choose one of the options.", question=label))
            else:
                answers[name] = spelled
        elif len(raw) > LONGEST:
            form.error(field, _("%(question)s: write at most %(most)s characters.", question=label, most=LONGEST))
        else:
            answers[name] = raw
    return answers


def _number(raw: str) -> float | None:
    """A number as people write it: 3, 2.5, or 2,5 (a decimal comma); never nan or infinity."""
    if not NUMBER.match(raw):
        return None
    return float(raw.replace(",", "."))


def _lines(form: Form, name: str) -> list[str]:
    lines = [line.strip() for line in str(form.value(name)).splitlines() if line.strip()]
    if any(len(line) > LONGEST for line in lines):
        form.error(name, _("Write each line in at most %(most)s characters.", most=LONGEST))
    elif len(lines) > MOST_LINES:
        form.error(name, _("Write at most %(most)s lines.", most=MOST_LINES))
    return lines
