"""What the end-to-end journey checks after the match: reminders and the calendar feed."""

from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import icalendar

from mesh_local.keycloak import user_token
from mesh_local.realm import ADMIN


async def reminded_once_at_the_right_moments(config, report, inbox) -> None:
    """notify was killed between planning and sending: each reminder still reached the inbox exactly once,
    at its moment, saying the start in the recipient's own zone. (The inbox is read after notify's
    records: a notification marked sent is in it, and a mail in it may be one not yet marked.)"""
    member, session = report.after.reminded, report.after.reminded_session
    admin = user_token(config, ADMIN)
    async with httpx.AsyncClient(timeout=10) as http:
        found = (
            await http.get(
                f"{config.service_url('notify')}/notifications",
                params={"recipient_id": member},
                headers={"Authorization": f"Bearer {admin}"},
            )
        ).json()
        person = (
            await http.get(f"{config.service_url('profile')}/participants/{member}", headers={"Authorization": f"Bearer {admin}"})
        ).json()["profile"]
    starts = datetime.fromisoformat(session["starts_at"])
    sent = [n for n in found if n["status"] == "sent" and n["template"].startswith("session_reminder_")]
    reminders = [n for n in sent if n["session_id"] == session["session_id"]]  # this session's, once each
    assert sorted(n["template"] for n in reminders) == ["session_reminder_1h", "session_reminder_24h"], reminders
    due = {n["template"]: datetime.fromisoformat(n["due_at"]) for n in reminders}
    assert due == {"session_reminder_24h": starts - timedelta(hours=24), "session_reminder_1h": starts - timedelta(hours=1)}
    # A member of two pairs is reminded of the other pair's sessions as time passes too: every reminder
    # mail is one of notify's, none came twice, and each notify marked sent is there.
    to_them = [m for m in inbox.messages if person["email"] in m["To"] and m["Subject"].startswith("Reminder:")]
    mailed = Counter(m["Message-ID"] for m in to_them)
    assert set(mailed.values()) == {1}, mailed
    assert (
        {f"<{n['notification_id']}@mentoring-mesh>" for n in sent}
        <= set(mailed)
        <= {f"<{n['notification_id']}@mentoring-mesh>" for n in found if n["template"].startswith("session_reminder_")}
    )
    ids = {f"<{n['notification_id']}@mentoring-mesh>" for n in reminders}
    local_start = starts.astimezone(ZoneInfo(person["time_zone"])).strftime("%A %d %B %Y, %H:%M %Z")
    assert all(local_start in m.get_payload(decode=True).decode() for m in to_them if m["Message-ID"] in ids)


async def feed_matches_the_sessions(config, report) -> None:
    """The private feed, parsed back: one event per session with its id as UID, SEQUENCE its revision,
    CANCELLED exactly for the cancelled ones."""
    member = report.after.reminded
    token = user_token(config, ADMIN)
    async with httpx.AsyncClient(timeout=10) as http:
        feed = icalendar.Calendar.from_ical((await http.get(report.after.feed_url)).content)
        match_ids = {m["match_id"] for m in report.accepted if member in {p["participant_id"] for p in m["participants"]}}
        sessions = [
            s
            for match_id in match_ids
            for s in (
                await http.get(
                    f"{config.service_url('scheduling')}/matches/{match_id}/sessions",
                    headers={"Authorization": f"Bearer {token}"},
                )
            ).json()
        ]
    events = {str(e["UID"]): e for e in feed.walk("VEVENT")}
    assert set(events) == {f"{s['session_id']}@mentoring-mesh" for s in sessions}
    for s in sessions:
        event = events[f"{s['session_id']}@mentoring-mesh"]
        assert int(event["SEQUENCE"]) == s["revision"] and event.decoded("DTSTART") == datetime.fromisoformat(s["starts_at"])
        assert (str(event["STATUS"]) == "CANCELLED") == (s["status"] == "cancelled")
    assert any(s["revision"] >= 2 for s in sessions)  # the agreement's new length, then the move


async def series_keeps_local_time_across_dst(config, report) -> None:
    """The first pair's sessions, on both sides of a daylight-saving change, start at the same local
    time in the zone the series is kept in (its first member's), so their UTC hour moved."""
    admin = {"Authorization": f"Bearer {user_token(config, ADMIN)}"}
    pair = report.accepted[0]
    async with httpx.AsyncClient(timeout=10) as http:
        sessions = (
            await http.get(f"{config.service_url('scheduling')}/matches/{pair['match_id']}/sessions", headers=admin)
        ).json()
        first_member = sessions[0]["participant_ids"][0]
        zone = ZoneInfo(
            (await http.get(f"{config.service_url('profile')}/participants/{first_member}", headers=admin)).json()["profile"][
                "time_zone"
            ]
        )
    starts = [datetime.fromisoformat(s["starts_at"]).astimezone(zone) for s in sessions]
    assert len({start.utcoffset() for start in starts}) == 2, starts  # the series crossed a DST change
    assert len({start.strftime("%H:%M") for start in starts}) == 1, starts  # at one local time throughout
    assert len({start.astimezone(UTC).strftime("%H:%M") for start in starts}) == 2, starts
