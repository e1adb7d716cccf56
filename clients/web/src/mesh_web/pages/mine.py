"""What the inbox, settings, leaving and erasure pages share: the signed-in person's own participations
(profile's ``GET /me/participations``), a posted form read as the page's ``Form``, and the kinds of mail
notify sends, in words."""

from typing import Any
from uuid import UUID

from fastapi import HTTPException

from mesh_web.api.base import ApiProblem
from mesh_web.failures import PAGE_FIELD
from mesh_web.i18n import gettext as _
from mesh_web.rendering import Form
from mesh_web.visit import Visit

THEIRS = ("active", "left")  # not "waiting_for_you": a roster's profile is not theirs until they claim it


async def participations(visit: Visit) -> list[dict[str, Any]]:
    """Their participations, active or left, in the order they joined."""
    return [item for item in await visit.my_participations() if item.get("state") in THEIRS]


def find(items: list[dict[str, Any]], participant_id: UUID | str | None) -> dict[str, Any] | None:
    return next((item for item in items if item.get("participant_id") == str(participant_id)), None)


async def participation(visit: Visit, participant_id: UUID) -> dict[str, Any]:
    """One of their own participations, or the page is not found (another's, an unknown id, an erased one)."""
    found = find(await participations(visit), participant_id)
    if found is None:
        raise HTTPException(404)
    return found


def not_found_on_refusal(problem: ApiProblem) -> None:
    """A service saying "not yours" or "no such thing": the page is not found, in the same words either way."""
    if problem.status in (403, 404):
        raise HTTPException(404) from problem


async def posted(visit: Visit, *lists: str) -> Form:
    """The posted form's fields (a field sent several times as a list); ``lists``: fields always a list,
    empty when nothing was ticked, so that unticking every box is kept too."""
    values: dict[str, Any] = {name: [] for name in lists}
    for key, value in (await visit.request.form()).multi_items():
        if key == PAGE_FIELD or not isinstance(value, str):
            continue
        if key in lists:
            values[key].append(value)
        else:
            values[key] = value.strip()
    return Form(values=values)


def is_enhanced(visit: Visit) -> bool:
    """An htmx request: it wants the changed region only, not the page."""
    return visit.request.headers.get("hx-request") == "true"


KIND_OF_TEMPLATE = {  # as notify sorts its templates into the kinds a participant may turn off
    "match_proposed": "matches",
    "match_accepted": "matches",
    "match_declined": "matches",
    "match_expired": "matches",
    "match_ended": "matches",
    "agreement_proposed": "agreements",
    "agreement_set": "agreements",
    "session_scheduled": "sessions",
    "session_rescheduled": "sessions",
    "session_cancelled": "sessions",
    "session_completed": "sessions",
    "session_missed": "sessions",
    "session_reminder_24h": "reminders",
    "session_reminder_1h": "reminders",
    "pair_dormant": "nudges",
    "match_arranged": "matches",
    "pair_nudged": "nudges",
}
KINDS = ("matches", "agreements", "sessions", "reminders", "nudges")


def kind_label(kind: str) -> str:
    return {
        "matches": _("Matches"),
        "agreements": _("Agreements"),
        "sessions": _("Sessions"),
        "reminders": _("Reminders"),
        "nudges": _("Nudges"),
    }.get(kind, _("Your account"))


def kind_hint(kind: str) -> str:
    return {
        "matches": _("A partner proposed to you, their answer, and a match that lapses or ends."),
        "agreements": _("An agreement on goals and cadence proposed or confirmed."),
        "sessions": _("A session scheduled, moved, cancelled, recorded or missed."),
        "reminders": _("A reminder a day and an hour before each session."),
        "nudges": _("A note when you and your partner have not met for a while."),
    }.get(kind, "")


def template_kind(template: str) -> str:
    return KIND_OF_TEMPLATE.get(template, "account")
