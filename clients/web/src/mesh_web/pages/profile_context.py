"""What the profile form's templates (templates/profile/_fields.html) are given: the choices in the
visitor's language, the availability grid, and what the institution gave (read-only)."""

from typing import Any

from mesh_web.i18n import gettext as _
from mesh_web.pages import availability, profile_choices, profile_form
from mesh_web.rendering import Form
from mesh_web.visit import Visit


def form_context(program: dict[str, Any], form: Form, rounded: bool = False) -> dict[str, Any]:
    roles = profile_form.roles(program)
    return {
        "roles": roles,
        "legends": profile_choices.role_legends(),
        "topic_options": profile_form.topic_options(program, form) if program.get("topics") else [],
        "questions": profile_form.questions(program),
        "required": profile_form.required_questions(program),
        "languages": profile_choices.language_options(),
        "modes": list(profile_choices.mode_names().items()),
        "cadences": list(profile_choices.cadence_names().items()),
        "zones": profile_choices.zone_groups(str(form.value("time_zone"))),
        "rows": availability.grid(form.values_of("availability")),
        "columns": availability.columns(),
        "rounded": rounded,
    }


def affiliation_names() -> dict[str, str]:
    return {
        "student": _("Student"),
        "staff": _("Staff"),
        "faculty": _("Faculty"),
        "alumni": _("Alumni"),
        "community": _("Community member"),
    }


def facts_of(program: dict[str, Any], profile: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The facts only the institution gives, as the page shows them (``value`` None: not known here, as
    on joining, when they come from the person's token): each is where a refusal naming it is said."""
    profile = profile or {}
    affiliation = profile.get("affiliation")
    year = profile.get("year_of_study")
    facts = [
        {
            "field": "affiliation",
            "label": _("Affiliation"),
            "words": False,
            "value": affiliation_names().get(affiliation, affiliation) if affiliation else None,
        },
        {"field": "year_of_study", "label": _("Year of study"), "words": False, "value": str(year) if year else None},
        {"field": "department", "label": _("Department"), "words": True, "value": profile.get("department")},
    ]
    answers = profile.get("custom_attributes") or {}
    for attribute in program.get("custom_attributes") or []:
        if attribute.get("asked"):
            continue
        value = answers.get(attribute["name"])
        facts.append(
            {
                "field": f"custom_attributes.{attribute['name']}",
                "label": attribute.get("label") or attribute["name"],
                "words": True,
                "value": None if value is None else profile_form.shown(value),
            }
        )
    return facts


def remember_zone(visit: Visit, zone: str | None) -> None:
    """Their profile's time zone is the one the app shows them times in, from now on."""
    if zone and profile_choices.known_zone(zone) and visit.session.data.get("zone") != zone:
        visit.session.data["zone"] = zone
        visit.session.changed = True
