"""The calendar invitation a session's mail carries, so the recipient's calendar holds the session.

Rules: one calendar event per session, with the UID scheduling's feed gives it, so an invitation and
a feed subscription describe the same event; a scheduling or a move is a request (SEQUENCE its
revision: a move raises it, so calendars replace their copy), a cancellation cancels it."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal


@dataclass(frozen=True, slots=True)
class Invitation:
    uid: str
    method: Literal["REQUEST", "CANCEL"]
    sequence: int
    starts_at: datetime
    ends_at: datetime
    summary: str
    location: str


def session_uid(session_id: str) -> str:
    return f"{session_id}@mentoring-mesh"


def invitation_of(template: str, context: dict[str, Any], partner_name: str) -> Invitation | None:
    """For session_scheduled, session_rescheduled and session_cancelled; None for any other mail
    (and for a cancellation that does not say when the session was: nothing to cancel by)."""
    if template not in ("session_scheduled", "session_rescheduled", "session_cancelled"):
        return None
    if context.get("starts_at") is None or context.get("ends_at") is None:
        return None
    cancelled = template == "session_cancelled"
    revision = context.get("revision") or (0 if template == "session_scheduled" else 1)
    mode = context.get("meeting_mode")
    return Invitation(
        uid=session_uid(context["session_id"]),
        method="CANCEL" if cancelled else "REQUEST",
        sequence=int(revision),
        starts_at=datetime.fromisoformat(context["starts_at"]),
        ends_at=datetime.fromisoformat(context["ends_at"]),
        summary=f"Peer mentoring with {partner_name}",
        location="In person" if mode == "in_person" else "Online",
    )
