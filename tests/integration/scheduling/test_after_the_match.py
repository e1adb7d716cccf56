"""After the match, on a real database: an agreement both confirm, sessions moved, cancelled and
missed, and the private calendar feed parsed back event by event."""

import uuid
from datetime import UTC, datetime, timedelta

import httpx
import icalendar

from mentoring_contracts import ParticipantLeft, new_envelope
from mesh_runtime.clock import advance
from mesh_scheduling.adapters.workers import sweep_missed
from mesh_scheduling.bootstrap import DEFINITION
from tests.support.identity import INSTITUTION, as_
from tests.support.pairs import AGREEMENT, formed_pair
from tests.support.services import outbox_types


async def sessions_of(client: httpx.AsyncClient, match_id: uuid.UUID) -> list[dict]:
    return (await client.get(f"/matches/{match_id}/sessions")).json()


async def test_an_agreement_holds_once_the_other_confirms_and_sessions_follow_it(scheduling_on_test_clock) -> None:
    app, client, _ = scheduling_on_test_clock
    accepted, tokens = await formed_pair(app)
    a, b = (member.participant_id for member in accepted.participants)
    url = f"/matches/{accepted.match_id}/agreements"
    stranger = as_("scheduling", "participant")
    assert (await client.post(url, json=AGREEMENT | {"participant_id": str(a)}, headers=stranger)).status_code == 403
    proposed = await client.post(url, json=AGREEMENT | {"participant_id": str(a)}, headers=tokens[a])
    assert proposed.status_code == 201, proposed.text
    assert proposed.json()["version"] == 1 and proposed.json()["status"] == "proposed"
    own = await client.post(f"{url}/1/confirm", json={"participant_id": str(a)}, headers=tokens[a])
    assert own.status_code == 409 and own.json()["type"].endswith("nothing-to-confirm")
    as_someone_else = await client.post(f"{url}/1/confirm", json={"participant_id": str(a)}, headers=tokens[b])
    assert as_someone_else.status_code == 403
    before = (await sessions_of(client, accepted.match_id))[0]
    confirmed = await client.post(f"{url}/1/confirm", json={"participant_id": str(b)}, headers=tokens[b])
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["status"] == "confirmed"
    upcoming = (await sessions_of(client, accepted.match_id))[0]
    assert upcoming["session_id"] == before["session_id"]
    length = datetime.fromisoformat(upcoming["ends_at"]) - datetime.fromisoformat(upcoming["starts_at"])
    assert length == timedelta(minutes=45) and upcoming["cadence"] == "biweekly"
    # completing it schedules the next one two weeks on, with the goals' progress recorded
    done = await client.post(
        f"/sessions/{upcoming['session_id']}/complete",
        headers=tokens[b],
        json={
            "participant_id": str(b),
            "progress_rating": 4,
            "notes": "Planned the term.",
            "goal_progress": [{"goal": 1, "percent": 20}, {"goal": 2, "percent": 50}],
        },
    )
    assert done.status_code == 200, done.text
    unknown_goal = await client.post(
        f"/sessions/{upcoming['session_id']}/complete",
        headers=tokens[a],
        json={"participant_id": str(a), "progress_rating": 4, "notes": "x", "goal_progress": [{"goal": 3, "percent": 20}]},
    )
    assert unknown_goal.status_code in (409, 422)
    later = await sessions_of(client, accepted.match_id)
    gap = datetime.fromisoformat(later[1]["starts_at"]) - datetime.fromisoformat(later[0]["starts_at"])
    assert gap == timedelta(days=14)
    # a second version needs both again; until then the first holds
    second = await client.post(url, json=AGREEMENT | {"participant_id": str(b), "cadence": "weekly"}, headers=tokens[b])
    assert second.json()["version"] == 2
    read = (await client.get(url, headers=tokens[a])).json()
    assert [(v["version"], v["status"]) for v in read["versions"]] == [(1, "confirmed"), (2, "proposed")]
    assert {(g["goal"], g["percent"]) for g in read["goal_progress"]} == {(1, 20), (2, 50)}
    assert (await client.get(url, headers=stranger)).status_code == 403  # not one of the pair
    types = await outbox_types(app)
    assert types.count("AgreementProposed") == 2 and types.count("AgreementSet") == 1
    assert "SessionRescheduled" in types  # the upcoming session took the agreed length


async def test_a_move_inside_both_availabilities_holds_at_once_outside_them_once_the_other_confirms(
    scheduling_on_test_clock,
) -> None:
    app, client, _ = scheduling_on_test_clock
    accepted, tokens = await formed_pair(app)
    a, b = (member.participant_id for member in accepted.participants)
    session = (await sessions_of(client, accepted.match_id))[0]
    start = datetime.fromisoformat(session["starts_at"])
    inside = start + timedelta(days=1)  # the next weekday, same hour: both are free then
    moved = await client.post(
        f"/sessions/{session['session_id']}/reschedule",
        headers=tokens[a],
        json={"participant_id": str(a), "starts_at": inside.isoformat()},
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["starts_at"].startswith(inside.strftime("%Y-%m-%dT%H:%M")) and moved.json()["revision"] == 1
    outside = inside.replace(hour=6)  # 07:00 Berlin: nobody offered it
    pending = await client.post(
        f"/sessions/{session['session_id']}/reschedule",
        headers=tokens[a],
        json={"participant_id": str(a), "starts_at": outside.isoformat()},
    )
    assert pending.json()["proposed_move"]["proposed_by"] == str(a) and pending.json()["revision"] == 1
    by_proposer = await client.post(
        f"/sessions/{session['session_id']}/reschedule/confirm", headers=tokens[a], json={"participant_id": str(a)}
    )
    assert by_proposer.status_code == 409
    confirmed = await client.post(
        f"/sessions/{session['session_id']}/reschedule/confirm", headers=tokens[b], json={"participant_id": str(b)}
    )
    assert confirmed.status_code == 200 and confirmed.json()["revision"] == 2
    assert datetime.fromisoformat(confirmed.json()["starts_at"]) == outside
    past = await client.post(
        f"/sessions/{session['session_id']}/reschedule",
        headers=tokens[a],
        json={"participant_id": str(a), "starts_at": "2020-01-01T10:00:00Z"},
    )
    assert past.status_code == 409 and past.json()["type"].endswith("session-not-movable")
    assert await outbox_types(app) == ["SessionScheduled", "SessionRescheduled", "SessionRescheduled"]


async def test_a_cancel_keeps_the_reason_here_and_the_series_goes_on(scheduling_on_test_clock) -> None:
    app, client, _ = scheduling_on_test_clock
    accepted, tokens = await formed_pair(app)
    a = accepted.participants[0].participant_id
    first = (await sessions_of(client, accepted.match_id))[0]
    cancelled = await client.post(
        f"/sessions/{first['session_id']}/cancel", headers=tokens[a], json={"participant_id": str(a), "reason": "exam moved"}
    )
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled" and cancelled.json()["revision"] == 1
    again = await client.post(
        f"/sessions/{first['session_id']}/cancel", headers=tokens[a], json={"participant_id": str(a), "reason": "twice"}
    )
    assert again.status_code == 409
    sessions = await sessions_of(client, accepted.match_id)
    assert [s["status"] for s in sessions] == ["cancelled", "scheduled"]
    assert (datetime.fromisoformat(sessions[1]["starts_at"]) - datetime.fromisoformat(first["starts_at"])).days == 7
    assert await outbox_types(app) == ["SessionScheduled", "SessionCancelled", "SessionScheduled"]
    stored = await app.state.components.database.pool.fetchval(
        "SELECT count(*) FROM mesh_outbox WHERE position('exam moved' in convert_from(value, 'UTF8')) > 0"
    )
    assert stored == 0  # the reason is their words: never on an event


async def test_a_session_nobody_recorded_becomes_missed_by_the_clock_and_may_still_be_recorded(scheduling_on_test_clock) -> None:
    app, client, clock_file = scheduling_on_test_clock
    accepted, tokens = await formed_pair(app)
    b = accepted.participants[1].participant_id
    first = (await sessions_of(client, accepted.match_id))[0]
    assert await sweep_missed(app.state.components) == 0
    ends = datetime.fromisoformat(first["ends_at"])
    advance(clock_file, ends + timedelta(hours=49) - datetime.now(UTC))
    assert await sweep_missed(app.state.components) == 1
    assert await sweep_missed(app.state.components) == 0  # once
    sessions = await sessions_of(client, accepted.match_id)
    assert [s["status"] for s in sessions] == ["missed", "scheduled"]
    it_happened = await client.post(
        f"/sessions/{first['session_id']}/complete",
        headers=tokens[b],
        json={"participant_id": str(b), "progress_rating": 3, "notes": "We met after all."},
    )
    assert it_happened.status_code == 200 and it_happened.json()["status"] == "completed"
    assert len(await sessions_of(client, accepted.match_id)) == 2  # its next was set when it was missed
    assert await outbox_types(app) == ["SessionScheduled", "SessionMissed", "SessionScheduled", "SessionCompleted"]


async def test_the_private_calendar_feed_follows_every_change_and_can_be_revoked(scheduling_on_test_clock) -> None:
    app, client, _ = scheduling_on_test_clock
    accepted, tokens = await formed_pair(app)
    a, b = (member.participant_id for member in accepted.participants)
    feed_path = f"/participants/{a}/calendar-feed"
    assert (await client.post(feed_path, headers=tokens[b])).status_code == 403
    url = (await client.post(feed_path, headers=tokens[a])).json()["url"]
    path = "/" + url.split("/", 3)[3]
    first = (await sessions_of(client, accepted.match_id))[0]
    start = datetime.fromisoformat(first["starts_at"])
    await client.post(
        f"/sessions/{first['session_id']}/reschedule",
        headers=tokens[a],
        json={"participant_id": str(a), "starts_at": (start + timedelta(days=1)).isoformat()},
    )
    await client.post(
        f"/sessions/{first['session_id']}/cancel", headers=tokens[b], json={"participant_id": str(b), "reason": "ill"}
    )
    response = await client.get(path, headers={"Authorization": ""})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/calendar")
    events = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(response.content).walk("VEVENT")}
    sessions = await sessions_of(client, accepted.match_id)
    assert set(events) == {f"{s['session_id']}@mentoring-mesh" for s in sessions}
    moved = events[f"{first['session_id']}@mentoring-mesh"]
    assert int(moved["SEQUENCE"]) == 2 and str(moved["STATUS"]) == "CANCELLED"
    assert moved.decoded("DTSTART") == start + timedelta(days=1)
    following = events[f"{sessions[1]['session_id']}@mentoring-mesh"]
    assert int(following["SEQUENCE"]) == 0 and str(following["STATUS"]) == "CONFIRMED"
    assert following.decoded("DTEND") - following.decoded("DTSTART") == timedelta(hours=1)
    assert (await client.get(path.replace(".ics", "x.ics"), headers={"Authorization": ""})).status_code == 404
    renewed = (await client.post(feed_path, headers=tokens[a])).json()["url"]
    assert (await client.get(path, headers={"Authorization": ""})).status_code == 404  # the old URL is revoked
    assert (await client.delete(feed_path, headers=tokens[a])).status_code == 204
    assert (await client.get("/" + renewed.split("/", 3)[3], headers={"Authorization": ""})).status_code == 404


async def test_l12_leaving_the_program_revokes_the_leavers_calendar_feed_and_only_theirs(scheduling_on_test_clock) -> None:
    app, client, _ = scheduling_on_test_clock
    accepted, tokens = await formed_pair(app)
    a, b = (member.participant_id for member in accepted.participants)
    urls = {p: (await client.post(f"/participants/{p}/calendar-feed", headers=tokens[p])).json()["url"] for p in (a, b)}
    feeds = {p: "/" + url.split("/", 3)[3] for p, url in urls.items()}
    left = ParticipantLeft(participant_id=a, program_id="p", left_at=datetime.now(UTC))
    envelope = new_envelope(left, source="/mentoring-mesh/profile", institution=INSTITUTION)
    handler = DEFINITION.consumer_handlers(app.state.components)[ParticipantLeft]  # as the consumer calls it
    for _ in range(2):  # delivered again: the same outcome
        async with app.state.components.database.transaction(INSTITUTION) as transaction:
            await handler(transaction, envelope)
    assert (await client.get(feeds[a], headers={"Authorization": ""})).status_code == 404
    assert (await client.get(feeds[b], headers={"Authorization": ""})).status_code == 200  # the partner's still works


async def test_a_calendar_feed_is_as_unknown_to_whom_its_owner_is_on_no_campus_of_theirs(scheduling_on_test_clock) -> None:
    """The walk of tests/integration/identity/test_write_boundaries.py found a 403 here, for someone
    in no pair a 404: it told a participant of another campus that this one is in a pair."""
    app, client, _ = scheduling_on_test_clock
    accepted, tokens = await formed_pair(app)
    a = accepted.participants[0].participant_id
    for path in (f"/participants/{a}/calendar-feed", f"/participants/{uuid.uuid4()}/calendar-feed"):
        for method in ("POST", "DELETE"):
            for outsider in (
                as_("scheduling", "participant", campuses=("south",)),
                as_("scheduling", "coordinator", campuses=("south",)),
                as_("scheduling", "admin", institution="other-college"),
            ):
                answer = await client.request(method, path, headers=outsider)
                assert answer.status_code == 404, (method, path, answer.text)
                assert answer.json()["detail"] == f"participant {path.split('/')[2]} is in no pair here yet"
    feed = f"/participants/{a}/calendar-feed"
    for known_but_not_theirs in (
        as_("scheduling", "participant", campuses=("north",)),
        as_("scheduling", "coordinator", campuses=("north",)),
        as_("scheduling", "admin"),
    ):
        assert (await client.post(feed, headers=known_but_not_theirs)).status_code == 403
    assert (await client.post(feed, headers=tokens[a])).status_code == 200
