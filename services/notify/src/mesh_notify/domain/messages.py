"""What each notification says: subject and plain-text body, in the recipient's own time zone."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from mesh_notify.domain.notification import Contact, Notification


@dataclass(frozen=True, slots=True)
class Message:
    subject: str
    body: str


def render(notification: Notification, recipient: Contact, partner: Contact | None, links_base: str) -> Message:
    context = notification.context
    partner_name = partner.display_name if partner else "your match"
    greeting = f"Hello {recipient.display_name},\n\n"
    closing = "\n\n— Mentoring Mesh"
    template = notification.template
    if template == "welcome":
        program = (context.get("attributes") or context["profile"])["program_id"]  # v2 event, or v1 from history
        subject = f"Welcome to {program}"
        text = (f"you joined the peer-mentoring program {program}. We will introduce you to a "
                "partner who shares your goals and availability as soon as one fits.")
    elif template == "match_proposed":
        subject = f"Meet {partner_name}: a proposed mentoring match"
        reasons = "\n".join(f"  - {reason}" for reason in context.get("reasons") or ["you fit each other's topic and time"])
        text = (f"we propose you and {partner_name} as a pair for {context['topic_name']} "
                f"(match score {context['score']:.2f}). Why:\n{reasons}\n\n"
                f"Accept: POST {links_base}/matches/{context['match_id']}/accept\n"
                f"Decline: POST {links_base}/matches/{context['match_id']}/decline\n"
                f"The proposal is open until {_local(context['expires_at'], recipient.time_zone)}.")
    elif template == "match_accepted":
        subject = f"You and {partner_name} are now a mentoring pair"
        text = (f"you and {partner_name} both accepted. Agree on your goals and expectations for "
                f"{context['topic_name']} at your first session; we are scheduling it now.")
    elif template == "match_declined":
        subject = "Your proposed match will not go ahead"
        text = (f"{partner_name} declined the proposed match. You stay in the program's pool and "
                "we will introduce you to someone else as soon as a partner fits.")
    elif template == "match_expired":
        subject = f"Your proposed match with {partner_name} has lapsed"
        text = ("the proposal was not accepted by both of you in time, so it has lapsed and your place "
                "is free again. We will introduce you to someone as soon as a partner fits.")
    elif template == "match_ended":
        reason = context.get("reason")
        subject = f"Your mentoring with {partner_name} has ended"
        text = (f"your mentoring match with {partner_name} has ended" + (f" ({reason})" if reason else "") + ". "
                + ("We will introduce you to a new partner as soon as one fits." if context["outcome"] == "ended_early"
                   else "Thank you for the time you gave each other."))
    elif template == "session_cancelled":
        subject = f"Session with {partner_name} cancelled"
        text = (f"your session with {partner_name} on {_local(context['starts_at'], recipient.time_zone)} "
                f"is cancelled" + (f": {context['reason']}" if context.get("reason") else "") + ".")
    elif template == "session_scheduled":
        mode = "in person" if context["meeting_mode"] == "in_person" else "online"
        subject = f"Session {context['sequence']} with {partner_name}: {_local(context['starts_at'], recipient.time_zone)}"
        text = (f"your session {context['sequence']} with {partner_name} is on "
                f"{_local(context['starts_at'], recipient.time_zone)} until "
                f"{_local(context['ends_at'], recipient.time_zone, time_only=True)} ({mode}).")
    elif template == "session_completed":
        subject = f"Session with {partner_name} recorded"
        ratings = ", ".join(str(r["progress_rating"]) for r in context["reflections"])
        text = (f"your session with {partner_name} was recorded as done (progress rated {ratings} of 5). "
                "Take a moment to reflect on your goals before you meet again.")
    else:
        raise ValueError(f"no template {template!r}")
    return Message(subject=subject, body=greeting + text + closing)


def _local(moment: Any, time_zone: str, *, time_only: bool = False) -> str:
    value = moment if isinstance(moment, datetime) else datetime.fromisoformat(str(moment))
    local = value.astimezone(ZoneInfo(time_zone))
    return local.strftime("%H:%M %Z") if time_only else local.strftime("%A %d %B %Y, %H:%M %Z")
