"""What each mail says: one small function per template, giving its subject and its words, in the
recipient's own time zone. ``mails.py`` says which event causes which; ``render`` puts a mail together."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from mesh_notify.domain.invitations import Invitation
from mesh_notify.domain.notification import Contact


@dataclass(frozen=True, slots=True)
class Message:
    subject: str
    body: str
    invitation: Invitation | None = None  # sent along as text/calendar, for the recipient's calendar


@dataclass(frozen=True, slots=True)
class Links:
    """The public bases of the APIs a mail links to."""

    matching: str
    scheduling: str | None = None

    @property
    def sessions(self) -> str:
        """Scheduling's, else matching's."""
        return self.scheduling or self.matching


@dataclass(frozen=True, slots=True)
class Letter:
    """What a mail's words are written from: what the notification keeps (its context), to whom,
    about whom, where its links point, and when it goes."""

    context: dict[str, Any]
    recipient: Contact
    partner_name: str
    links: Links
    goes_at: datetime  # a reminder says when the session is from then

    def local(self, key: str, *, time_only: bool = False) -> str:
        """The context's moment ``key`` in the recipient's zone."""
        return _local(self.context[key], self.recipient.time_zone, time_only=time_only)


# (subject, words): the words go between the greeting and the closing.
Text = Callable[[Letter], tuple[str, str]]


def welcome(letter: Letter) -> tuple[str, str]:
    program = (letter.context.get("attributes") or letter.context["profile"])["program_id"]  # v2 event, or v1 from history
    return f"Welcome to {program}", (
        f"you joined the peer-mentoring program {program}. We will introduce you to a "
        "partner who shares your goals and availability as soon as one fits."
    )


def email_changed(letter: Letter) -> tuple[str, str]:
    return "Your Mentoring Mesh mail now comes here", (
        "this is now the address Mentoring Mesh writes to you at. If you did not expect this, tell your program's coordinator."
    )


def email_changed_away(letter: Letter) -> tuple[str, str]:
    return "Your Mentoring Mesh mail goes to another address now", (
        "Mentoring Mesh writes to you at another address from now on; this one gets no more mail from us. "
        "If you did not expect this, tell your program's coordinator at once."
    )


def match_proposed(letter: Letter) -> tuple[str, str]:
    context, partner = letter.context, letter.partner_name
    reasons = "\n".join(f"  - {reason}" for reason in context.get("reasons") or ["you fit each other's topic and time"])
    return f"Meet {partner}: a proposed mentoring match", (
        f"we propose you and {partner} as a pair for {context['topic_name']} "
        f"(match score {context['score']:.2f}). Why:\n{reasons}\n\n" + _answer(letter)
    )


def match_arranged(letter: Letter) -> tuple[str, str]:
    context, partner = letter.context, letter.partner_name
    admin = context.get("arranged_by") == "admin"
    who = "an administrator" if admin else "a coordinator"
    reasons = "\n".join(f"  - {reason}" for reason in context.get("reasons") or ["your coordinator thinks you fit"])
    note = f"Their note to you both:\n{_quoted(context['note'])}\n\n" if context.get("note") else ""
    return f"Meet {partner}: a proposed mentoring match from your {'administrator' if admin else 'coordinator'}", (
        f"{who} of your program proposes you and {partner} as a pair for {context['topic_name']} "
        f"(match score {context['score']:.2f}).\n\n{note}Why:\n{reasons}\n\n" + _answer(letter)
    )


def _answer(letter: Letter) -> str:
    """How a proposal is answered, and until when."""
    match_id, base = letter.context["match_id"], letter.links.matching
    return (
        f"Accept: POST {base}/matches/{match_id}/accept\n"
        f"Decline: POST {base}/matches/{match_id}/decline\n"
        f"The proposal is open until {letter.local('expires_at')}."
    )


def match_accepted(letter: Letter) -> tuple[str, str]:
    partner = letter.partner_name
    return f"You and {partner} are now a mentoring pair", (
        f"you and {partner} both accepted. Agree on your goals and expectations for "
        f"{letter.context['topic_name']} at your first session; we are scheduling it now."
    )


def match_declined(letter: Letter) -> tuple[str, str]:
    return "Your proposed match will not go ahead", (
        f"{letter.partner_name} declined the proposed match. You stay in the program's pool and "
        "we will introduce you to someone else as soon as a partner fits."
    )


def match_expired(letter: Letter) -> tuple[str, str]:
    return f"Your proposed match with {letter.partner_name} has lapsed", (
        "the proposal was not accepted by both of you in time, so it has lapsed and your place "
        "is free again. We will introduce you to someone as soon as a partner fits."
    )


def match_ended(letter: Letter) -> tuple[str, str]:
    context, partner = letter.context, letter.partner_name
    reason = context.get("reason")
    early = context["outcome"] == "ended_early"
    return f"Your mentoring with {partner} has ended", (
        f"your mentoring match with {partner} has ended"
        + (f" ({reason})" if reason else "")
        + ". "
        + (
            "We will introduce you to a new partner as soon as one fits."
            if early
            else "Thank you for the time you gave each other."
        )
    )


def session_cancelled(letter: Letter) -> tuple[str, str]:
    partner, reason = letter.partner_name, letter.context.get("reason")
    return f"Session with {partner} cancelled", (
        f"your session with {partner} on {letter.local('starts_at')} is cancelled" + (f": {reason}" if reason else "") + "."
    )


def session_scheduled(letter: Letter) -> tuple[str, str]:
    context, partner = letter.context, letter.partner_name
    mode = "in person" if context["meeting_mode"] == "in_person" else "online"
    return f"Session {context['sequence']} with {partner}: {letter.local('starts_at')}", (
        f"your session {context['sequence']} with {partner} is on "
        f"{letter.local('starts_at')} until {letter.local('ends_at', time_only=True)} ({mode})."
    )


def session_completed(letter: Letter) -> tuple[str, str]:
    partner = letter.partner_name
    ratings = ", ".join(str(r["progress_rating"]) for r in letter.context["reflections"])
    return f"Session with {partner} recorded", (
        f"your session with {partner} was recorded as done (progress rated {ratings} of 5). "
        "Take a moment to reflect on your goals before you meet again."
    )


def session_rescheduled(letter: Letter) -> tuple[str, str]:
    partner = letter.partner_name
    return f"Session with {partner} moved to {letter.local('starts_at')}", (
        f"your session with {partner} that was on {letter.local('previous_starts_at')} is now on "
        f"{letter.local('starts_at')} until {letter.local('ends_at', time_only=True)}. The invitation attached "
        "updates your calendar."
    )


def session_missed(letter: Letter) -> tuple[str, str]:
    partner = letter.partner_name
    return f"Did your session with {partner} happen?", (
        f"nobody recorded the session with {partner}, so it counts as missed. If you met, record it "
        f"with your reflection: POST {letter.links.sessions}/sessions/{letter.context['session_id']}/complete"
    )


def session_reminder(letter: Letter) -> tuple[str, str]:
    # said from when it is sent: quiet hours may have moved it from 24 h or 1 h before
    partner = letter.partner_name
    when = _relative(letter.context["starts_at"], letter.goes_at, letter.recipient.time_zone)
    return f"Reminder: session with {partner} {when}", f"your session with {partner} is {when} ({letter.local('starts_at')})."


def agreement_proposed(letter: Letter) -> tuple[str, str]:
    context, partner, base = letter.context, letter.partner_name, letter.links.sessions
    return f"{partner} proposed your mentoring agreement", (
        f"{partner} proposed version {context['agreement_version']} of your agreement (goals, "
        f"expectations, how often and how you meet). Read it: GET {base}/matches/{context['match_id']}"
        f"/agreements\nConfirm it: POST {base}/matches/{context['match_id']}/agreements/"
        f"{context['agreement_version']}/confirm"
    )


def agreement_set(letter: Letter) -> tuple[str, str]:
    context = letter.context
    cadence = str(context["cadence"]).replace("_", " ")
    return f"Your agreement with {letter.partner_name} holds", (
        f"you both confirmed version {context.get('agreement_version') or 1} of your agreement: "
        f"{context['goal_count']} goal(s), meeting {cadence}, {str(context['meeting_mode']).replace('_', ' ')}. "
        "Sessions follow it from now on."
    )


def pair_dormant(letter: Letter) -> tuple[str, str]:
    partner = letter.partner_name
    return f"It has been a while since you met {partner}", (
        f"you and {partner} have not completed a session since {letter.local('last_activity_at')}. Meet and record "
        f"a session before {letter.local('ends_at')} to keep your mentoring going; otherwise it ends "
        "then and we will introduce you both to someone new."
    )


def pair_nudged(letter: Letter) -> tuple[str, str]:
    context, partner = letter.context, letter.partner_name
    admin = context.get("nudged_by") == "admin"
    quiet = " It has been a while since you two completed a session." if context.get("dormant") else ""
    message = f"\n\nTheir message:\n{_quoted(context['message'])}" if context.get("message") else ""
    return f"{'An administrator' if admin else 'Your coordinator'} checks in on you and {partner}", (
        f"{'an administrator' if admin else 'a coordinator'} of your program is checking in "
        f"on your mentoring with {partner}.{quiet}{message}\n\n"
        f"Your pair: GET {letter.links.matching}/matches/{context['match_id']}\n"
        "Meet and record a session to keep your mentoring going; your coordinator is there if you need them."
    )


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
