"""A program's matching policy as a form: a weight per criterion and the hard rules, read back into the
body matching's ``PUT /programs/{id}/policy`` takes (matching checks it again)."""

from typing import Any

from mesh_web.i18n import gettext as _
from mesh_web.pages.pairing import list_of, text_of
from mesh_web.rendering import Form

CRITERIA = ("experiences", "goals", "challenges", "interests", "languages", "availability", "campus", "meeting_mode", "cadence")
SHARED = ("experiences", "goals", "challenges", "interests")
RULES = ("same_campus_required", "shared_language_required")


def labels() -> dict[str, str]:
    return {
        "experiences": _("Shared experiences"),
        "goals": _("Shared goals"),
        "challenges": _("Shared challenges"),
        "interests": _("Shared interests"),
        "languages": _("A language in common"),
        "availability": _("Hours free at the same time"),
        "campus": _("The same campus"),
        "meeting_mode": _("Meeting the same way (online, in person)"),
        "cadence": _("Meeting as often"),
        "mentor_mentee": _("Mentors with mentees"),
        "peer": _("Peers with peers"),
    }


def values_of(policy: dict[str, Any]) -> dict[str, Any]:
    weights = policy.get("weights") or {}
    return {
        **{f"weights.{name}": _shown(weights.get(name, 0)) for name in CRITERIA},
        "min_overlap_hours": _shown(policy.get("min_overlap_hours", 0)),
        "full_overlap_hours": _shown(policy.get("full_overlap_hours", 4)),
        "max_time_zone_gap_hours": _shown(policy.get("max_time_zone_gap_hours")),
        "rules": [rule for rule in RULES if policy.get(rule)],
        "must_match": policy.get("must_match") or "",
        "mode": policy.get("mode") or "mentor_mentee",
    }


def read(values: dict[str, Any], form: Form) -> dict[str, Any]:
    weights = {name: _number(form, f"weights.{name}", text_of(values, f"weights.{name}") or "0", 0, 100) for name in CRITERIA}
    if not any(weight for weight in weights.values() if weight):
        form.error("weights.experiences", _("Give at least one criterion a weight above 0."))
    gap = text_of(values, "max_time_zone_gap_hours")
    must = text_of(values, "must_match")
    mode = text_of(values, "mode")
    if mode not in ("mentor_mentee", "peer"):
        form.error("mode", _("Choose who a round pairs."))
    policy = {
        "weights": weights,
        "min_overlap_hours": _number(form, "min_overlap_hours", text_of(values, "min_overlap_hours") or "0", 0, 40),
        "full_overlap_hours": _number(form, "full_overlap_hours", text_of(values, "full_overlap_hours") or "4", 0.5, 40),
        "max_time_zone_gap_hours": _number(form, "max_time_zone_gap_hours", gap, 0, 26) if gap else None,
        "must_match": must if must in SHARED else None,
        "mode": mode,
        **{rule: rule in list_of(values, "rules") for rule in RULES},
    }
    return policy


def field_of(location: str) -> str:
    """Matching names a field as its body does (``weights.goals``); the form names it the same way."""
    return (
        location
        if location.split(".")[0]
        in ("weights", "min_overlap_hours", "full_overlap_hours", "max_time_zone_gap_hours", "mode", "must_match")
        else "weights"
    )


def _number(form: Form, name: str, text: str, low: float, high: float) -> float:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        form.error(name, _("Enter a number from %(low)s to %(high)s.", low=_shown(low), high=_shown(high)))
        return low
    return value


def _shown(value: Any) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)
