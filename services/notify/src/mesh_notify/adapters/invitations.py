"""A session's calendar invitation as iTIP (RFC 5546) over iCalendar, made with the icalendar library:
what Google, Outlook and Apple calendars take from a mail."""

from datetime import UTC, datetime
from email.utils import parseaddr

import icalendar

from mesh_notify.domain.invitations import Invitation

PRODUCT = "-//Mentoring Mesh//notify//EN"


def invitation_ics(
    invitation: Invitation, *, organizer: str, attendee_name: str, attendee_email: str, stamped_at: datetime | None = None
) -> bytes:
    """``organizer``: the From address the mail is sent from (an iTIP request names its organizer)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", invitation.method)
    event = icalendar.Event()
    event.add("uid", invitation.uid)
    event.add("sequence", invitation.sequence)
    event.add("dtstamp", stamped_at or datetime.now(UTC))
    event.add("dtstart", invitation.starts_at)
    event.add("dtend", invitation.ends_at)
    event.add("summary", invitation.summary)
    event.add("location", invitation.location)
    event.add("status", "CANCELLED" if invitation.method == "CANCEL" else "CONFIRMED")
    organizer_name, organizer_email = parseaddr(organizer)
    event.add(
        "organizer", icalendar.vCalAddress(f"mailto:{organizer_email}"), parameters={"cn": organizer_name or "Mentoring Mesh"}
    )
    event.add(
        "attendee",
        icalendar.vCalAddress(f"mailto:{attendee_email}"),
        parameters={"cn": attendee_name, "role": "REQ-PARTICIPANT", "partstat": "NEEDS-ACTION", "rsvp": "FALSE"},
    )
    calendar.add_component(event)
    return calendar.to_ical()
