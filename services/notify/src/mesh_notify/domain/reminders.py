"""When a participant is reminded of a session.

Rules: by default 24 hours and 1 hour before it starts. A reminder falling in the recipient's quiet
hours moves to their end if that is still before the session, else to just before they begin; one
whose moment has passed by the time the session is planned (a session booked at short notice) is
not sent; a moved session is reminded of at its new time only, a cancelled one not at all.
"""

from datetime import datetime, timedelta

from mesh_notify.domain.preferences import Preference, first_allowed, last_allowed_before

LEADS = {"session_reminder_24h": timedelta(hours=24), "session_reminder_1h": timedelta(hours=1)}


def reminder_moments(starts_at: datetime, now: datetime, preference: Preference, time_zone: str) -> list[tuple[str, datetime]]:
    """(template, when) for each reminder still to send; none when reminders are off."""
    if not preference.enabled:
        return []
    moments = []
    for template, lead in LEADS.items():
        due = starts_at - lead
        moved = first_allowed(due, preference, time_zone)
        if moved >= starts_at:
            moved = last_allowed_before(due, preference, time_zone)
        if moved > now:
            moments.append((template, moved))
    return moments
