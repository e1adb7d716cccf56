"""The demo journey after the first sessions: an agreement, a move, a cancel, a decline, a bad address,
a leaver, an erasure, then the services' clock moved forward through reminders, a missed session,
lapsed proposals and a dormant pair, until the term ends. Each step is taken by the person it
belongs to, with their own token; each leaves events on Kafka."""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import icalendar

from mesh_local.config import LocalConfig
from mesh_local.keycloak import user_token
from mesh_local.mailserver import NO_MAIL_DOMAIN
from mesh_local.steps import JourneyError, as_, call, eventually
from mesh_runtime.clock import Clock, advance

DORMANT_AFTER_DAYS, DORMANT_GRACE_DAYS = 42, 14  # six weeks: longer than a monthly pair's gap


@dataclass
class Cast:
    """Who the steps need: the admin, the formed pairs, the people still waiting, everyone's token."""

    urls: dict[str, str]
    admin: str
    tokens: dict[str, str]
    pairs: list[dict[str, Any]]  # accepted matches
    unanswered: list[dict[str, Any]]  # proposals nobody answered yet
    waiting: list[str]  # participants in no formed pair


@dataclass
class AfterMatch:
    said: list[str] = field(default_factory=list)  # what happened, a line a step
    feed_url: str = ""  # the first pair's first member's private calendar feed
    reminded: str = ""  # whose reminders the clock was moved for (the first pair's first member)
    reminded_session: dict[str, Any] = field(default_factory=dict)  # the session as it was when reminded of


async def after_the_match(
    http: httpx.AsyncClient,
    config: LocalConfig,
    cast: Cast,
    program_id: str,
    program: dict[str, Any],
    pause: Callable[[], Awaitable[None]] | None = None,
) -> AfterMatch:
    if len(cast.pairs) < 2 or len(cast.waiting) < 3:
        raise JourneyError("the journey after the match needs two formed pairs and three people still waiting")
    outcome = AfterMatch()
    said = outcome.said
    clock = Clock(config.clock_offset_file)
    urls, admin = cast.urls, cast.admin
    program = {key: value for key, value in program.items() if key != "program_id"} | {
        "dormant_after_days": DORMANT_AFTER_DAYS,
        "dormant_grace_days": DORMANT_GRACE_DAYS,
    }
    await call(http, "PUT", f"{urls['profile']}/programs/{program_id}", admin, "changing the program", program)
    said.append(
        f"nadia set the program's dormancy rule: {DORMANT_AFTER_DAYS} days without a session, then "
        f"{DORMANT_GRACE_DAYS} days' grace"
    )

    first, second = cast.pairs[0], cast.pairs[1]
    a1, a2 = _members(first)
    said.append(await _agree(http, cast, first["match_id"], a1, a2))
    said.append(await _move(http, cast, first["match_id"], a1, a2))
    b1, b2 = _members(second)
    said.append(await _cancel(http, cast, second["match_id"], b2))
    outcome.feed_url, line = await _feed(http, cast, a1)
    said.append(line)
    if cast.unanswered:
        proposal = cast.unanswered.pop(0)
        decliner = _members(proposal)[0]
        await call(
            http,
            "POST",
            f"{urls['matching']}/matches/{proposal['match_id']}/decline",
            cast.tokens[decliner],
            "declining",
            {"participant_id": decliner, "reason": "our timetables do not overlap"},
            expect=(200, 409),
        )
        said.append("a proposed partner declined (their reason stays in matching)")
    said.append(await _bad_address(http, cast, cast.waiting[0]))
    leaver, erased = cast.waiting[1], cast.waiting[2]
    await call(
        http,
        "POST",
        f"{urls['profile']}/participants/{leaver}/leave",
        cast.tokens[leaver],
        "leaving",
        {"reason": "I changed course"},
    )
    await call(http, "DELETE", f"{urls['profile']}/participants/{erased}", admin, "erasing", expect=(202,))
    await eventually(lambda: _erasure_confirmed(http, cast, erased), "every service to confirm an erasure", timeout=90)
    said.append("one student left the program; nadia erased another, and all four services confirmed it")

    said.append(await _digest(http, cast, config, clock))
    said += await _coordinators_hand(http, cast, program_id, second, gone={leaver, erased})

    if pause is not None:
        await pause()
    outcome.reminded = a1
    outcome.reminded_session = await _next_session(http, cast, first["match_id"], a1)
    said += await _time_passes(http, clock, config, cast, first, a1)
    await call(
        http, "POST", f"{urls['profile']}/programs/{program_id}/close", admin, "closing the program", {"reason": "the term ended"}
    )
    said.append("the term ended: nadia closed the program; its open proposals lapsed")
    return outcome


def _members(match: dict[str, Any]) -> tuple[str, str]:
    first, second = (member["participant_id"] for member in match["participants"])
    return first, second


async def _agree(http: httpx.AsyncClient, cast: Cast, match_id: str, proposer: str, confirmer: str) -> str:
    url = f"{cast.urls['scheduling']}/matches/{match_id}/agreements"
    await call(
        http,
        "POST",
        url,
        cast.tokens[proposer],
        "proposing an agreement",
        {
            "participant_id": proposer,
            "goals": [{"description": "pass the Calculus II final"}, {"description": "a study plan for the term"}],
            "expectations": ["come prepared", "reply within two days"],
            "cadence": "weekly",
            "meeting_mode": "online",
            "session_minutes": 45,
        },
        expect=(201,),
    )
    await call(
        http, "POST", f"{url}/1/confirm", cast.tokens[confirmer], "confirming the agreement", {"participant_id": confirmer}
    )
    return "the first pair agreed on two goals, weekly online sessions of 45 minutes (one proposed, the other confirmed)"


async def _next_session(http: httpx.AsyncClient, cast: Cast, match_id: str, member: str) -> dict[str, Any]:
    async def upcoming() -> dict[str, Any] | None:
        sessions = await call(
            http, "GET", f"{cast.urls['scheduling']}/matches/{match_id}/sessions", cast.tokens[member], "reading sessions"
        )
        scheduled = [s for s in sessions if s["status"] == "scheduled"]
        return min(scheduled, key=lambda s: s["starts_at"]) if scheduled else None

    return await eventually(upcoming, "a scheduled session")


async def _move(http: httpx.AsyncClient, cast: Cast, match_id: str, mover: str, other: str) -> str:
    session = await _next_session(http, cast, match_id, mover)
    new_start = datetime.fromisoformat(session["starts_at"]) + timedelta(days=1)
    url = f"{cast.urls['scheduling']}/sessions/{session['session_id']}/reschedule"
    moved = await call(
        http, "POST", url, cast.tokens[mover], "moving a session", {"participant_id": mover, "starts_at": new_start.isoformat()}
    )
    if moved["proposed_move"] is not None:  # outside one of their availabilities: the other confirms
        moved = await call(http, "POST", f"{url}/confirm", cast.tokens[other], "confirming the move", {"participant_id": other})
    return f"they moved session {moved['sequence']} a day later (revision {moved['revision']}: calendars update)"


async def _cancel(http: httpx.AsyncClient, cast: Cast, match_id: str, member: str) -> str:
    session = await _next_session(http, cast, match_id, member)
    await call(
        http,
        "POST",
        f"{cast.urls['scheduling']}/sessions/{session['session_id']}/cancel",
        cast.tokens[member],
        "cancelling a session",
        {"participant_id": member, "reason": "exam week"},
    )
    return "the second pair cancelled a session with a reason; the series goes on"


async def _feed(http: httpx.AsyncClient, cast: Cast, member: str) -> tuple[str, str]:
    feed = await call(
        http,
        "POST",
        f"{cast.urls['scheduling']}/participants/{member}/calendar-feed",
        cast.tokens[member],
        "making a calendar feed",
    )
    response = await http.get(feed["url"])
    events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    return feed["url"], f"a private calendar feed holds {len(events)} session(s), each with a stable UID"


async def _bad_address(http: httpx.AsyncClient, cast: Cast, participant_id: str) -> str:
    """An address with a typo the mail server refuses: notify gives up at once and says so; corrected."""
    url = f"{cast.urls['profile']}/participants/{participant_id}"
    profile = (await call(http, "GET", url, cast.admin, "reading a profile"))["profile"]
    right = profile["email"]
    wrong = profile | {"email": f"{right.partition('@')[0]}@{NO_MAIL_DOMAIN}"}
    await call(http, "PUT", f"{url}/profile", cast.admin, "changing an address", wrong)

    async def refused() -> bool:
        found = await call(
            http, "GET", f"{cast.urls['notify']}/notifications?recipient_id={participant_id}", cast.admin, "reading notifications"
        )
        return any(n["template"] == "email_changed" and n["status"] == "failed" for n in found)

    await eventually(refused, "the refused address to be given up")
    await call(http, "PUT", f"{url}/profile", cast.admin, "correcting an address", profile | {"email": right})
    return "nadia mistyped a student's address; the mail server refused it for good, notify gave up at once; she corrected it"


async def _digest(http: httpx.AsyncClient, cast: Cast, config: LocalConfig, clock: Clock) -> str:
    """The north campus's coordinator asks for a digest at this hour: the first comes at once."""
    coordinator = await asyncio.to_thread(user_token, config, "cole")
    hour = clock.now().astimezone(ZoneInfo("Europe/Berlin")).hour
    url = f"{cast.urls['notify']}/coordinators/me/digest"
    await call(http, "PUT", url, coordinator, "asking for a digest", {"hour": hour, "time_zone": "Europe/Berlin"})

    async def came() -> bool:
        return (await call(http, "GET", url, coordinator, "reading the digest"))["last_sent_on"] is not None

    await eventually(came, "cole's first digest")
    return f"cole, coordinator on north, asked for a daily digest at {hour:02d}:00 Berlin time: the first came at once"


async def _coordinators_hand(
    http: httpx.AsyncClient, cast: Cast, program_id: str, pair: dict[str, Any], gone: set[str]
) -> list[str]:
    """nadia pairs two people by hand whom matching would not pair itself (the first two, in the order
    people are waiting, that both have room and may be paired: the platform refuses the rest), and checks
    in on a formed pair: both are mailed each time."""
    people = [pid for pid in [*cast.waiting, *cast.tokens] if pid not in gone]
    url = f"{cast.urls['matching']}/programs/{program_id}/matches"
    made = None
    for index, first in enumerate(dict.fromkeys(people)):
        for second in list(dict.fromkeys(people))[index + 1 :]:
            response = await http.post(
                url,
                json={
                    "participant_ids": [first, second],
                    "dry_run": False,
                    "note": "You are both new this term: meet and see how you can help each other.",
                },
                headers=as_(cast.admin),
            )
            if response.status_code == 201:
                made = response.json()
                break
            if response.status_code != 409:
                raise JourneyError(f"proposing a pair by hand failed: {response.status_code} {response.text}")
        if made:
            break
    if made is None:
        raise JourneyError("nobody left to pair by hand: everyone with room is refused")
    said = [
        f"nadia proposed two people as a pair by hand ({', '.join(p['role'] for p in made['participants'])}, "
        f"score {made['score']:.2f}, {len(made['warnings'])} warning(s) she overrode); both were mailed"
    ]
    member = pair["participants"][0]["participant_id"]
    await call(
        http,
        "POST",
        f"{cast.urls['matching']}/matches/{pair['match_id']}/nudge",
        cast.admin,
        "nudging a pair",
        {"message": "How are your sessions going? Write to me if anything is in the way."},
        expect=(201,),
    )
    await eventually(lambda: _mailed(http, cast, member, "pair_nudged"), "the mail checking in on the second pair")
    said.append("nadia checked in on the second pair with a message (once a day at most): both were mailed")
    return said


async def _erasure_confirmed(http: httpx.AsyncClient, cast: Cast, participant_id: str) -> bool:
    erasure = await call(
        http, "GET", f"{cast.urls['profile']}/participants/{participant_id}/erasure", cast.admin, "reading the erasure"
    )
    return bool(erasure["complete"])


async def _time_passes(
    http: httpx.AsyncClient, clock: Clock, config: LocalConfig, cast: Cast, pair: dict[str, Any], member: str
) -> list[str]:
    said = []
    session = await _next_session(http, cast, pair["match_id"], member)
    starts, ends = datetime.fromisoformat(session["starts_at"]), datetime.fromisoformat(session["ends_at"])

    async def move_to(moment: datetime) -> None:
        if (ahead := moment - clock.now()) > timedelta():
            advance(config.clock_offset_file, ahead)

    for lead, template in ((timedelta(hours=24), "session_reminder_24h"), (timedelta(hours=1), "session_reminder_1h")):
        if starts - lead > clock.now():
            await move_to(starts - lead + timedelta(minutes=1))
            await eventually(lambda t=template: _mailed(http, cast, member, t), f"the {template} mail", timeout=60)
            said.append(
                f"clock moved to {lead.total_seconds() / 3600:.0f} h before session {session['sequence']}: the reminder went out"
            )
    await move_to(ends + timedelta(hours=49))

    async def missed() -> bool:
        sessions = await call(
            http, "GET", f"{cast.urls['scheduling']}/matches/{pair['match_id']}/sessions", cast.tokens[member], "reading sessions"
        )
        return any(s["session_id"] == session["session_id"] and s["status"] == "missed" for s in sessions)

    await eventually(missed, "the session to be missed")
    await eventually(lambda: _mailed(http, cast, member, "session_missed"), "the 'did it happen?' mail")
    said.append("nobody recorded that session: 48 h after its end it was missed, and the pair was asked if it happened")

    latest_proposal = max((datetime.fromisoformat(p["expires_at"]) for p in cast.unanswered), default=None)
    if latest_proposal is not None:
        await move_to(latest_proposal + timedelta(minutes=1))
        await eventually(lambda: _any_status(http, cast, cast.unanswered, "expired"), "a proposal to lapse")
        said.append("proposals nobody answered lapsed after seven days; their places were offered again")

    formed = datetime.fromisoformat(pair.get("formed_at") or pair["proposed_at"])
    await move_to(max(formed, ends) + timedelta(days=DORMANT_AFTER_DAYS, minutes=1))
    await eventually(lambda: _dormant(http, cast, pair["match_id"], member), "the pair to be found dormant", timeout=90)
    await eventually(lambda: _mailed(http, cast, member, "pair_dormant"), "the nudge to the dormant pair")
    said.append(f"no session completed for {DORMANT_AFTER_DAYS} days: the pair was found dormant and both were nudged")
    await move_to(clock.now() + timedelta(days=DORMANT_GRACE_DAYS, hours=2))  # past the grace and matching's margin
    await eventually(lambda: _any_status(http, cast, [pair], "ended"), "the dormant pair to end", timeout=90)
    said.append(f"{DORMANT_GRACE_DAYS} days later, still no session: the match ended (dormant) and both places were freed")
    return said


async def _mailed(http: httpx.AsyncClient, cast: Cast, recipient: str, template: str) -> bool:
    found = await call(
        http,
        "GET",
        f"{cast.urls['notify']}/notifications?recipient_id={recipient}",
        cast.tokens[recipient],
        "reading notifications",
    )
    return any(n["template"] == template and n["status"] == "sent" for n in found)


async def _any_status(http: httpx.AsyncClient, cast: Cast, matches: list[dict[str, Any]], status: str) -> bool:
    for match in matches:
        view = await call(http, "GET", f"{cast.urls['matching']}/matches/{match['match_id']}", cast.admin, "reading a match")
        if view["status"] == status:
            return True
    return False


async def _dormant(http: httpx.AsyncClient, cast: Cast, match_id: str, member: str) -> bool:
    view = await call(http, "GET", f"{cast.urls['matching']}/matches/{match_id}", cast.tokens[member], "reading a match")
    return view["dormant_since"] is not None
