"""A participant's sessions as an iCalendar (RFC 5545) feed, made with the icalendar library.

Each session is one VEVENT with a UID that never changes, a SEQUENCE raised on every move and on
the cancel, and STATUS:CANCELLED once cancelled, so calendar apps update the copy they hold."""

from collections.abc import Iterable
from datetime import datetime

import icalendar

from mesh_scheduling.domain.session import Session, SessionStatus

PRODUCT = "-//Mentoring Mesh//scheduling//EN"


def session_uid(session: Session) -> str:
    return f"{session.session_id}@mentoring-mesh"


def feed(sessions: Iterable[tuple[Session, datetime]], name: str) -> bytes:
    """``sessions``: each with when it last changed (its DTSTAMP)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for session, changed_at in sessions:
        calendar.add_component(event(session, changed_at))
    return calendar.to_ical()


def event(session: Session, changed_at: datetime) -> icalendar.Event:
    vevent = icalendar.Event()
    vevent.add("uid", session_uid(session))
    vevent.add("sequence", session.revision)
    vevent.add("dtstamp", changed_at)
    vevent.add("dtstart", session.starts_at)
    vevent.add("dtend", session.ends_at)
    vevent.add("summary", f"Peer mentoring session {session.sequence}")
    vevent.add("location", "Online" if session.meeting_mode == "online" else "In person")
    vevent.add("status", "CANCELLED" if session.status is SessionStatus.CANCELLED else "CONFIRMED")
    return vevent
