"""The participants directory on a real database: each person's state through a whole life (kept the same
whatever the events' order or redelivery), filters and search by name, keyset pages, cursors, who may read."""

import asyncio
import base64
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from mentoring_contracts import ParticipantErased, ParticipantLeft, ProgressRating, SessionCompleted
from mesh_matching.adapters.events import on_participant_erased
from mesh_matching.adapters.http.directory import cursor_for, list_key_of
from mesh_matching.adapters.postgres import PostgresMatchingUnitOfWork
from mesh_matching.application.answer_match import decline_match
from mesh_matching.application.follow_participants import withdraw_participant
from mesh_matching.application.follow_programs import follow_program
from mesh_matching.application.follow_sessions import follow_session
from mesh_matching.application.register_candidate import register_candidate
from mesh_matching.application.self_selection import request_partners
from mesh_matching.application.watch_dormant_pairs import watch_dormant_pairs
from mesh_matching.domain.candidate import Candidate
from mesh_runtime.db import Cause
from tests.integration.matching.support import definition, in_transaction, join
from tests.support.databases import as_owner
from tests.support.factories import mentor_profile, profile
from tests.support.identity import INSTITUTION, as_
from tests.support.services import in_tenant

NOW = datetime.now(UTC)
PROGRAM = "first-year-stem"
LIST = f"/programs/{PROGRAM}/participants"
# The tests run the sweeps themselves: the background ones must not race them.
SWEPT_BY_HAND = ("dormant-pairs",)


async def states(client, *people) -> list[str]:
    return [(await client.get(f"{LIST}/{person}")).json()["state"] for person in people]


async def listed(client, **query) -> list[dict]:
    """Every page of the list, in order."""
    found, after = [], None
    while True:
        page = await client.get(LIST, params={**query, **({"after": after} if after else {})})
        assert page.status_code == 200, page.text
        found += page.json()["participants"]
        if (after := page.json()["next"]) is None:
            return found


async def derived_everywhere(app) -> bool:
    """The state kept on every row is the one derived from the rows as they are now."""
    return await in_tenant(app.state.components.database).fetchval(
        "SELECT count(*) = 0 FROM candidates WHERE state <> mesh_participant_state(participant_id, active)"
    )


def completed(match_id: str, people, at: datetime) -> SessionCompleted:
    return SessionCompleted(
        session_id=uuid.uuid4(),
        match_id=match_id,
        program_id=PROGRAM,
        participant_ids=list(people),
        completed_at=at,
        reflections=[ProgressRating(participant_id=people[0], progress_rating=4)],
    )


async def test_a_whole_life_join_proposed_matched_dormant_ended_left_each_state_once_whatever_redelivery(matching) -> None:
    app, client = matching
    await in_transaction(
        app, lambda uow: follow_program(uow, PROGRAM, definition(dormant_after_days=10, dormant_grace_days=5), NOW)
    )
    mentor_joined = Candidate(uuid.uuid4(), mentor_profile(mentor_capacity=1, display_name="Ben Mentor"), "ben")
    await in_transaction(app, lambda uow: register_candidate(uow, mentor_joined), at=NOW)
    mentor = mentor_joined.participant_id
    assert await states(client, mentor) == ["waiting"]
    mentee = await join(app, profile(display_name="Ada Mentee"))
    assert await states(client, mentor, mentee) == ["proposed", "proposed"]
    await in_transaction(app, lambda uow: register_candidate(uow, mentor_joined), at=NOW)  # redelivered join
    assert await states(client, mentor, mentee) == ["proposed", "proposed"]

    match_id = (await client.get(f"/participants/{mentee}/matches")).json()[0]["match_id"]
    assert (await client.post(f"/matches/{match_id}/accept", json={"participant_id": str(mentor)})).status_code == 200
    assert await states(client, mentor, mentee) == ["proposed", "proposed"]  # half answered: still open
    assert (await client.post(f"/matches/{match_id}/accept", json={"participant_id": str(mentee)})).status_code == 200
    assert (await client.post(f"/matches/{match_id}/accept", json={"participant_id": str(mentee)})).status_code == 200
    assert await states(client, mentor, mentee) == ["matched", "matched"]

    for _ in range(2):  # a sweep run twice finds it once
        await in_transaction(app, lambda uow: watch_dormant_pairs(uow, PROGRAM), at=NOW + timedelta(days=11))
        assert await states(client, mentor, mentee) == ["dormant", "dormant"]
    met = completed(match_id, (mentor, mentee), NOW + timedelta(days=11, hours=1))
    for _ in range(2):  # the completion redelivered: revived once, the same state
        await in_transaction(app, lambda uow: follow_session(uow, met))
        assert await states(client, mentor, mentee) == ["matched", "matched"]
    await in_transaction(app, lambda uow: watch_dormant_pairs(uow, PROGRAM), at=NOW + timedelta(days=22))
    assert await states(client, mentor, mentee) == ["dormant", "dormant"]
    await in_transaction(app, lambda uow: watch_dormant_pairs(uow, PROGRAM), at=NOW + timedelta(days=28))
    assert await states(client, mentor, mentee) == ["waiting", "waiting"]  # ended: each other never again, nobody else

    left = ParticipantLeft(participant_id=mentee, program_id=PROGRAM, left_at=NOW + timedelta(days=29))
    for _ in range(2):
        await in_transaction(app, lambda uow: withdraw_participant(uow, left), at=NOW + timedelta(days=29))
        assert await states(client, mentor, mentee) == ["waiting", "left"]
    assert await derived_everywhere(app)

    record = (await client.get(f"{LIST}/{mentee}")).json()
    assert datetime.fromisoformat(record["left_at"]) == NOW + timedelta(days=29)
    assert [step["what"] for step in record["history"]] == [
        "joined",
        "proposed",
        "accepted",
        "accepted",
        "formed",
        "dormant",
        "ended",
        "left",
    ]  # its last dormancy
    [entry] = record["matches"]
    assert (entry["state"], entry["partner"]["participant_id"], entry["partner"]["display_name"]) == (
        "ended",
        str(mentor),
        "Ben Mentor",
    )
    assert entry["end_reason"].startswith("the pair lay dormant") and entry["ended_at"] is not None
    assert [step["by"] for step in record["history"] if step["what"] == "accepted"] == [str(mentor), str(mentee)]
    listed_mentor = [p for p in await listed(client) if p["participant_id"] == str(mentor)][0]
    assert listed_mentor["waiting_since"] == entry["ended_at"] and listed_mentor["open_matches"] == 0


@pytest.mark.parametrize("order", ["completion_then_sweep", "sweep_then_completion"])
async def test_the_same_events_in_either_order_leave_the_same_state(matching, order) -> None:
    app, client = matching
    await in_transaction(app, lambda uow: follow_program(uow, PROGRAM, definition(dormant_after_days=10), NOW))
    mentor = await join(app, mentor_profile(mentor_capacity=2))
    quiet, meeting = await join(app, profile()), await join(app, profile())
    matches = {person: (await client.get(f"/participants/{person}/matches")).json()[0]["match_id"] for person in (quiet, meeting)}
    for person, match_id in matches.items():
        for who in (mentor, person):
            await client.post(f"/matches/{match_id}/accept", json={"participant_id": str(who)})
    await in_tenant(app.state.components.database).execute("UPDATE matches SET formed_at = $1", NOW - timedelta(days=20))
    met = completed(matches[meeting], (mentor, meeting), NOW - timedelta(days=1))  # met yesterday, reported late
    sweep = lambda uow: watch_dormant_pairs(uow, PROGRAM)
    for step in [met, sweep] if order == "completion_then_sweep" else [sweep, met]:
        await in_transaction(app, step if callable(step) else lambda uow, event=step: follow_session(uow, event), at=NOW)
    # the mentor has one dormant pair and one active one: matched, while any pair of theirs is active
    assert await states(client, mentor, quiet, meeting) == ["matched", "dormant", "matched"]
    assert await derived_everywhere(app)


async def test_two_transactions_changing_one_persons_matches_at_once_leave_the_state_their_rows_say(matching) -> None:
    """A request (which takes no program lock) commits while a decline of another of the mentor's
    proposals waits: the decline derives the mentor's state again once it may, from both."""
    app, client = matching
    # the health figures' triggers (019) lock the pair's rows as well: off here, so that the state's own lock shows
    await as_owner(app.state.components.settings.database_url, "ALTER TABLE matches DISABLE TRIGGER USER")
    await in_transaction(app, lambda uow: follow_program(uow, PROGRAM, definition(matchmaking="self_selection"), NOW))
    mentor = await join(app, mentor_profile(mentor_capacity=2))
    first, second = await join(app, profile()), await join(app, profile())
    [outcome] = await in_transaction(app, lambda uow: request_partners(uow, first, [mentor]))
    components = app.state.components
    async with components.database.transaction(INSTITUTION) as asking:
        await request_partners(
            PostgresMatchingUnitOfWork(asking, components.source, Cause(institution=INSTITUTION)), second, [mentor]
        )
        declining = asyncio.create_task(in_transaction(app, lambda uow: decline_match(uow, outcome.match.match_id, mentor, None)))
        await asyncio.sleep(0.5)
        assert not declining.done(), "the decline waits for the mentor's row"
    await declining
    assert await states(client, mentor, first, second) == ["proposed", "waiting", "proposed"]
    assert await derived_everywhere(app)


async def test_filters_and_search_by_name_ignore_case_and_accents(matching) -> None:
    app, client = matching
    await in_transaction(app, lambda uow: follow_program(uow, PROGRAM, definition(matchmaking="self_selection"), NOW))
    people = {
        name: await join(
            app,
            profile(
                display_name=name,
                campus=campus,
                topics=[{"topic": "Chess", "role": role}],
                mentor_capacity=1 if role == "mentor" else 0,
            ),
        )
        for name, campus, role in [
            ("José María García", "north", "mentee"),
            ("JOSE luis", "south", "mentor"),
            ("Zoë Núñez", "north", "peer"),
            ("Chloé O'Brien-Smith", "south", "mentee"),
            ("ana", "north", "mentor"),
            ("Åna Ötzi", "south", "mentee"),
        ]
    }
    gone = await join(app, profile(display_name="Yusuf Erased", campus="north"))
    await in_transaction(app, lambda uow: on_participant_erased(uow, ParticipantErased(participant_id=gone, erased_at=NOW)))

    def names(found):
        return [p["display_name"] for p in found]

    everyone = await listed(client)
    assert names(everyone) == [
        "ana",
        "Åna Ötzi",
        "Chloé O'Brien-Smith",
        "Erased participant",
        "JOSE luis",
        "José María García",
        "Zoë Núñez",
    ]  # by name, case and accents aside
    assert [p["state"] for p in everyone if p["participant_id"] == str(gone)] == ["left"]
    for search, expected in [
        ("jose", ["JOSE luis", "José María García"]),
        ("GARC", ["José María García"]),
        ("maria gar", ["José María García"]),
        ("nunez", ["Zoë Núñez"]),
        ("zoe", ["Zoë Núñez"]),
        ("smith", ["Chloé O'Brien-Smith"]),
        ("brien", ["Chloé O'Brien-Smith"]),
        ("ana", ["ana", "Åna Ötzi"]),
        ("otzi ana", ["Åna Ötzi"]),
        ("arcia", []),
        ("zz", []),
        ("  ", names(everyone)),
        ("!!", names(everyone)),
    ]:
        assert names(await listed(client, q=search)) == expected, search
    assert names(await listed(client, campus="north")) == ["ana", "Erased participant", "José María García", "Zoë Núñez"]
    assert names(await listed(client, role="mentor")) == ["ana", "JOSE luis"]
    assert names(await listed(client, role="mentee", campus="south")) == ["Åna Ötzi", "Chloé O'Brien-Smith"]
    assert names(await listed(client, state="left")) == ["Erased participant"]
    assert names(await listed(client, state="waiting", q="jose", campus="north")) == ["José María García"]
    assert names(await listed(client, state="matched")) == []
    first = (await client.get(LIST, params={"role": "mentee"})).json()
    assert first["count"] == 4 and first["next"] is None  # the erased one's topics stay
    jose = [p for p in everyone if p["display_name"] == "José María García"][0]
    assert (jose["roles"], jose["campus"], jose["declines"], jose["open_matches"]) == (["mentee"], "north", 0, 0)
    assert jose["waiting_since"] == jose["joined_at"] and jose["participant_id"] == str(people["José María García"])
    refused = await client.get(LIST, params={"state": "asleep"})
    assert refused.status_code == 422 and refused.json()["type"].endswith("invalid-request")
    assert (await client.get(LIST, params={"q": "x" * 101})).status_code == 422
    assert (await client.get(LIST, params={"q": "a\x00b"})).status_code == 422  # text PostgreSQL cannot hold
    assert (await client.get(LIST, params={"limit": 101})).status_code == 422


async def test_a_declined_request_counts_for_who_declined_and_tells_who_asked(matching) -> None:
    app, client = matching
    await in_transaction(app, lambda uow: follow_program(uow, PROGRAM, definition(matchmaking="self_selection"), NOW))
    mentor = await join(app, mentor_profile(display_name="Mona Mentor"))
    asker = await join(app, profile(display_name="Ada Asker"))
    asked = await client.post(f"/participants/{asker}/requests", json={"partner_ids": [str(mentor)]})
    match_id = asked.json()[0]["match_id"]
    assert await states(client, mentor, asker) == ["proposed", "proposed"]
    assert [p["open_matches"] for p in await listed(client)] == [1, 1]
    declined = await client.post(f"/matches/{match_id}/decline", json={"participant_id": str(mentor), "reason": "full"})
    assert declined.status_code == 200
    by_name = {p["display_name"]: p for p in await listed(client)}
    assert (by_name["Mona Mentor"]["declines"], by_name["Ada Asker"]["declines"]) == (1, 0)
    assert by_name["Ada Asker"]["state"] == "waiting" and by_name["Ada Asker"]["waiting_since"] is not None
    record = (await client.get(f"{LIST}/{asker}")).json()
    [entry] = record["matches"]
    assert (entry["requested_by"], entry["declined_by"], entry["decline_reason"]) == (str(asker), str(mentor), "full")
    assert entry["answered_at"] == by_name["Ada Asker"]["waiting_since"]
    assert [(step["what"], step["by"], step["detail"]) for step in record["history"]] == [
        ("joined", None, None),
        ("proposed", str(asker), None),
        ("declined", str(mentor), "full"),
    ]


async def test_pages_by_key_lose_and_repeat_no_one_while_people_join_between_pages(matching) -> None:
    app, client = matching
    await in_transaction(app, lambda uow: follow_program(uow, PROGRAM, definition(matchmaking="self_selection"), NOW))
    same_name = [await join(app, profile(display_name="Ana Pérez")) for _ in range(9)]  # ties: ordered by id
    others = [await join(app, profile(display_name=name)) for name in ("Bea", "Carla", "Dora", "Eva", "Zelda")]
    before = {str(person) for person in [*same_name, *others]}
    seen, after, joined_later = [], None, []
    while True:
        page = (await client.get(LIST, params={"limit": 4, **({"after": after} if after else {})})).json()
        assert page["count"] == (14 if after is None else None)
        seen += [p["participant_id"] for p in page["participants"]]
        if (after := page["next"]) is None:
            break
        # between pages, people join before and after where the list stands
        joined_later += [
            await join(app, profile(display_name="Aaron")),
            await join(app, profile(display_name=f"Zzz {len(joined_later):03d}")),
        ]
    assert len(seen) == len(set(seen)), "someone was shown twice"
    assert before <= set(seen), "someone was missed"
    assert not {str(p) for p in joined_later[0::2]} & set(seen)  # joined behind the pages: the next list shows them
    assert {str(p) for p in joined_later[1::2]} <= set(seen)  # joined ahead: shown when the pages got there
    ties = [pid for pid in seen if pid in {str(p) for p in same_name}]
    assert ties == sorted(ties)


async def test_a_cursor_that_is_altered_made_up_or_from_other_filters_is_a_422(matching) -> None:
    app, client = matching
    await in_transaction(app, lambda uow: follow_program(uow, PROGRAM, definition(matchmaking="self_selection"), NOW))
    for name in ("Ana", "Bea", "Carla"):
        await join(app, profile(display_name=name))
    cursor = (await client.get(LIST, params={"limit": 1})).json()["next"]
    assert (await client.get(LIST, params={"limit": 1, "after": cursor})).json()["participants"][0]["display_name"] == "Bea"
    body, _, check = cursor.partition(".")
    for bad, params in [
        ("not-a-cursor", {}),
        (cursor, {"state": "waiting"}),
        (cursor, {"q": "bea"}),
        (f"{body[:-2]}xx.{check}", {}),
        (f"{body}.{check[:-1]}", {}),
        ("", {}),
        ("é" * 300, {}),
        (f"{body}.{check}.{check}", {}),
    ]:
        refused = await client.get(LIST, params={"after": bad, **params})
        assert refused.status_code == 422, (bad, params, refused.text)
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["type"] == "urn:mentoringmesh:problem:invalid-cursor"
    other = await client.get("/programs/another-program/participants", params={"after": cursor})
    assert other.status_code == 422
    nobody = cursor_for(uuid.uuid4(), list_key_of(PROGRAM, q=None, campus=None, role=None, state=None))
    refused = await client.get(LIST, params={"after": nobody})  # well made, naming no one of the program
    assert refused.status_code == 422 and refused.json()["type"].endswith("invalid-cursor")
    # a cursor names the last one shown by id, never by name: it travels in URLs, and into logs
    assert "ana" not in base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode().lower()


async def test_coordinators_see_their_campuses_participants_are_refused_other_institutions_find_nothing(matching) -> None:
    app, client = matching
    await in_transaction(app, lambda uow: follow_program(uow, PROGRAM, definition(matchmaking="self_selection"), NOW))
    north = await join(app, profile(display_name="Nora North", campus="north"))
    south = await join(app, profile(display_name="Sam South", campus="south"))
    await join(app, profile(display_name="Other Program", program_id="another-program"))
    assert [p["display_name"] for p in (await client.get(LIST)).json()["participants"]] == ["Nora North", "Sam South"]
    north_coordinator = as_("matching", "coordinator", campuses=("north",))
    page = await client.get(LIST, headers=north_coordinator)
    assert [p["display_name"] for p in page.json()["participants"]] == ["Nora North"]
    assert (await client.get(LIST, params={"campus": "south"}, headers=north_coordinator)).json()["participants"] == []
    assert (await client.get(f"{LIST}/{north}", headers=north_coordinator)).status_code == 200
    assert (await client.get(f"{LIST}/{south}", headers=north_coordinator)).status_code == 404  # not their campus
    assert (await client.get(f"/programs/another-program/participants/{north}")).status_code == 404  # not its program
    other_program = as_("matching", "coordinator", campuses=("north",), programs=["another-program"])
    assert (await client.get(LIST, headers=other_program)).status_code == 403
    assert (await client.get(f"{LIST}/{north}", headers=other_program)).status_code == 403
    participant = as_("matching", "participant", campuses=("north",), subject="nora")
    assert (await client.get(LIST, headers=participant)).status_code == 403
    assert (await client.get(f"{LIST}/{north}", headers=participant)).status_code == 403
    elsewhere = as_("matching", "admin", institution="other-college")
    for path in (LIST, f"{LIST}/{north}"):
        refused = await client.get(path, headers=elsewhere)
        assert refused.status_code == 404 and refused.headers["content-type"] == "application/problem+json"
    assert (await client.get("/programs/no-such-program/participants")).status_code == 404

    reads = [entry for entry in (await client.get("/audit")).json() if entry["action"] == "personal_data.read"]
    participants_read = [entry["details"]["ids"] for entry in reads if entry["resource"] == "participants"]
    assert [str(north)] in participants_read and sorted([str(north), str(south)]) in participants_read
