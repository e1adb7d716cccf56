"""What each notification says: subject and plain-text body, in the recipient's own time zone."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from mesh_notify.domain.invitations import Invitation, invitation_of
from mesh_notify.domain.notification import Contact, Notification


@dataclass(frozen=True, slots=True)
class Message:
    subject: str
    body: str
    invitation: Invitation | None = None  # sent along as text/calendar, for the recipient's calendar


def render(
    notification: Notification, recipient: Contact, partner: Contact | None, links_base: str, scheduling_base: str | None = None
) -> Message:
    """``links_base``: matching's public API; ``scheduling_base``: scheduling's (else the same)."""
    context = notification.context
    sessions_base = scheduling_base or links_base
    partner_name = partner.display_name if partner else "your match"
    greeting = f"Hello {recipient.display_name},\n\n"
    closing = "\n\n— Mentoring Mesh"
    template = notification.template
    if template == "welcome":
        program = (context.get("attributes") or context["profile"])["program_id"]  # v2 event, or v1 from history
        subject = f"Welcome to {program}"
        text = (
            f"you joined the peer-mentoring program {program}. We will introduce you to a "
            "partner who shares your goals and availability as soon as one fits."
        )
    elif template == "email_changed":
        subject = "Your Mentoring Mesh mail now comes here"
        text = (
            "this is now the address Mentoring Mesh writes to you at. If you did not expect this, tell your "
            "program's coordinator."
        )
    elif template == "email_changed_away":
        subject = "Your Mentoring Mesh mail goes to another address now"
        text = (
            "Mentoring Mesh writes to you at another address from now on; this one gets no more mail from us. "
            "If you did not expect this, tell your program's coordinator at once."
        )
    elif template == "match_proposed":
        subject = f"Meet {partner_name}: a proposed mentoring match"
        reasons = "\n".join(f"  - {reason}" for reason in context.get("reasons") or ["you fit each other's topic and time"])
        text = (
            f"we propose you and {partner_name} as a pair for {context['topic_name']} "
            f"(match score {context['score']:.2f}). Why:\n{reasons}\n\n"
            f"Accept: POST {links_base}/matches/{context['match_id']}/accept\n"
            f"Decline: POST {links_base}/matches/{context['match_id']}/decline\n"
            f"The proposal is open until {_local(context['expires_at'], recipient.time_zone)}."
        )
    elif template == "match_arranged":
        admin = context.get("arranged_by") == "admin"
        who = "an administrator" if admin else "a coordinator"
        subject = f"Meet {partner_name}: a proposed mentoring match from your {'administrator' if admin else 'coordinator'}"
        reasons = "\n".join(f"  - {reason}" for reason in context.get("reasons") or ["your coordinator thinks you fit"])
        note = f"Their note to you both:\n{_quoted(context['note'])}\n\n" if context.get("note") else ""
        text = (
            f"{who} of your program proposes you and {partner_name} as a pair for {context['topic_name']} "
            f"(match score {context['score']:.2f}).\n\n{note}Why:\n{reasons}\n\n"
            f"Accept: POST {links_base}/matches/{context['match_id']}/accept\n"
            f"Decline: POST {links_base}/matches/{context['match_id']}/decline\n"
            f"The proposal is open until {_local(context['expires_at'], recipient.time_zone)}."
        )
    elif template == "match_accepted":
        subject = f"You and {partner_name} are now a mentoring pair"
        text = (
            f"you and {partner_name} both accepted. Agree on your goals and expectations for "
            f"{context['topic_name']} at your first session; we are scheduling it now."
        )
    elif template == "match_declined":
        subject = "Your proposed match will not go ahead"
        text = (
            f"{partner_name} declined the proposed match. You stay in the program's pool and "
            "we will introduce you to someone else as soon as a partner fits."
        )
    elif template == "match_expired":
        subject = f"Your proposed match with {partner_name} has lapsed"
        text = (
            "the proposal was not accepted by both of you in time, so it has lapsed and your place "
            "is free again. We will introduce you to someone as soon as a partner fits."
        )
    elif template == "match_ended":
        reason = context.get("reason")
        subject = f"Your mentoring with {partner_name} has ended"
        text = (
            f"your mentoring match with {partner_name} has ended"
            + (f" ({reason})" if reason else "")
            + ". "
            + (
                "We will introduce you to a new partner as soon as one fits."
                if context["outcome"] == "ended_early"
                else "Thank you for the time you gave each other."
            )
        )
    elif template == "session_cancelled":
        subject = f"Session with {partner_name} cancelled"
        text = (
            f"your session with {partner_name} on {_local(context['starts_at'], recipient.time_zone)} "
            f"is cancelled" + (f": {context['reason']}" if context.get("reason") else "") + "."
        )
    elif template == "session_scheduled":
        mode = "in person" if context["meeting_mode"] == "in_person" else "online"
        subject = f"Session {context['sequence']} with {partner_name}: {_local(context['starts_at'], recipient.time_zone)}"
        text = (
            f"your session {context['sequence']} with {partner_name} is on "
            f"{_local(context['starts_at'], recipient.time_zone)} until "
            f"{_local(context['ends_at'], recipient.time_zone, time_only=True)} ({mode})."
        )
    elif template == "session_completed":
        subject = f"Session with {partner_name} recorded"
        ratings = ", ".join(str(r["progress_rating"]) for r in context["reflections"])
        text = (
            f"your session with {partner_name} was recorded as done (progress rated {ratings} of 5). "
            "Take a moment to reflect on your goals before you meet again."
        )
    elif template == "session_rescheduled":
        subject = f"Session with {partner_name} moved to {_local(context['starts_at'], recipient.time_zone)}"
        text = (
            f"your session with {partner_name} that was on "
            f"{_local(context['previous_starts_at'], recipient.time_zone)} is now on "
            f"{_local(context['starts_at'], recipient.time_zone)} until "
            f"{_local(context['ends_at'], recipient.time_zone, time_only=True)}. The invitation attached "
            "updates your calendar."
        )
    elif template == "session_missed":
        subject = f"Did your session with {partner_name} happen?"
        text = (
            f"nobody recorded the session with {partner_name}, so it counts as missed. If you met, record it "
            f"with your reflection: POST {sessions_base}/sessions/{context['session_id']}/complete"
        )
    elif template in ("session_reminder_24h", "session_reminder_1h"):
        # said from when it is sent: quiet hours may have moved it from 24 h or 1 h before
        when = _relative(context["starts_at"], notification.next_attempt_at or notification.created_at, recipient.time_zone)
        subject = f"Reminder: session with {partner_name} {when}"
        text = f"your session with {partner_name} is {when} ({_local(context['starts_at'], recipient.time_zone)})."
    elif template == "agreement_proposed":
        subject = f"{partner_name} proposed your mentoring agreement"
        text = (
            f"{partner_name} proposed version {context['agreement_version']} of your agreement (goals, "
            f"expectations, how often and how you meet). Read it: GET {sessions_base}/matches/{context['match_id']}"
            f"/agreements\nConfirm it: POST {sessions_base}/matches/{context['match_id']}/agreements/"
            f"{context['agreement_version']}/confirm"
        )
    elif template == "agreement_set":
        cadence = str(context["cadence"]).replace("_", " ")
        subject = f"Your agreement with {partner_name} holds"
        text = (
            f"you both confirmed version {context.get('agreement_version') or 1} of your agreement: "
            f"{context['goal_count']} goal(s), meeting {cadence}, {str(context['meeting_mode']).replace('_', ' ')}. "
            "Sessions follow it from now on."
        )
    elif template == "pair_dormant":
        subject = f"It has been a while since you met {partner_name}"
        text = (
            f"you and {partner_name} have not completed a session since "
            f"{_local(context['last_activity_at'], recipient.time_zone)}. Meet and record a session before "
            f"{_local(context['ends_at'], recipient.time_zone)} to keep your mentoring going; otherwise it ends "
            "then and we will introduce you both to someone new."
        )
    elif template == "pair_nudged":
        admin = context.get("nudged_by") == "admin"
        subject = f"{'An administrator' if admin else 'Your coordinator'} checks in on you and {partner_name}"
        quiet = " It has been a while since you two completed a session." if context.get("dormant") else ""
        message = f"\n\nTheir message:\n{_quoted(context['message'])}" if context.get("message") else ""
        text = (
            f"{'an administrator' if admin else 'a coordinator'} of your program is checking in "
            f"on your mentoring with {partner_name}.{quiet}{message}\n\n"
            f"Your pair: GET {links_base}/matches/{context['match_id']}\n"
            "Meet and record a session to keep your mentoring going; your coordinator is there if you need them."
        )
    else:
        raise ValueError(f"no template {template!r}")
    return Message(subject=subject, body=greeting + text + closing, invitation=invitation_of(template, context, partner_name))


def _quoted(words: Any) -> str:
    """Someone's own words, each line indented under what introduces them."""
    return "\n".join(f"  {line}" for line in str(words).splitlines() or [""])


def _local(moment: Any, time_zone: str, *, time_only: bool = False) -> str:
    value = moment if isinstance(moment, datetime) else datetime.fromisoformat(str(moment))
    local = value.astimezone(ZoneInfo(time_zone))
    return local.strftime("%H:%M %Z") if time_only else local.strftime("%A %d %B %Y, %H:%M %Z")


def _relative(moment: Any, sent_at: datetime, time_zone: str) -> str:
    """'today at 18:00', 'tomorrow at 09:30', or 'on Friday 12 March at 18:00', in the recipient's zone."""
    zone = ZoneInfo(time_zone)
    value = (moment if isinstance(moment, datetime) else datetime.fromisoformat(str(moment))).astimezone(zone)
    days = (value.date() - sent_at.astimezone(zone).date()).days
    at = value.strftime("%H:%M")
    if days == 0:
        return f"today at {at}"
    if days == 1:
        return f"tomorrow at {at}"
    return f"on {value.strftime('%A %d %B')} at {at}"
