"""Matching follows profile's programs: a closed program's matches stop with its reason and nothing is
proposed in it again, whichever order its close and its joins arrive in; each program makes pairs the
way it says (matching's proposals, participants' own requests, or both)."""

import uuid
from datetime import UTC, datetime

from mentoring_contracts import ProgramClosed
from mentoring_contracts.topics import MATCHES
from mesh_matching.application.follow_programs import close_program, follow_program
from tests.integration.matching.support import definition, in_transaction, join
from tests.support.factories import mentor_profile, profile
from tests.support.services import in_tenant, outbox_types

CLOSED = ProgramClosed(program_id="first-year-stem", reason="end of the year", closed_at=datetime.now(UTC))


async def open_matches(app) -> int:
    return await in_tenant(app.state.components.database).fetchval(
        "SELECT count(*) FROM matches WHERE status IN ('proposed', 'accepted')"
    )


async def test_closing_ends_formed_pairs_and_lapses_proposals_with_its_reason_and_proposes_nothing_again(matching) -> None:
    app, client = matching
    mentor = await join(app, mentor_profile(mentor_capacity=2))
    formed_mentee = await join(app, profile())
    formed = (await client.get(f"/participants/{formed_mentee}/matches")).json()[0]["match_id"]
    for person in (mentor, formed_mentee):
        assert (await client.post(f"/matches/{formed}/accept", json={"participant_id": str(person)})).status_code == 200
    waiting = await join(app, profile())
    proposed = (await client.get(f"/participants/{waiting}/matches")).json()[0]["match_id"]

    assert await in_transaction(app, lambda uow: close_program(uow, CLOSED)) == 2
    assert await in_transaction(app, lambda uow: close_program(uow, CLOSED)) == 0  # redelivered: nothing more
    assert await outbox_types(app, MATCHES.name) == [
        "MatchProposed",
        "MatchAccepted",
        "MatchProposed",
        "MatchEnded",
        "MatchExpired",
    ]
    ended, lapsed = [(await client.get(f"/matches/{match_id}")).json() for match_id in (formed, proposed)]
    assert (ended["status"], lapsed["status"]) == ("ended", "expired")
    assert ended["closing_reason"] == lapsed["closing_reason"] == "the program closed: end of the year"

    late = await join(app, profile())  # joined in profile before the close; its event came after
    assert (await client.get(f"/participants/{late}/matches")).json() == []
    assert await open_matches(app) == 0
    round_refused = await client.post("/programs/first-year-stem/rounds", json={"dry_run": True})
    assert round_refused.status_code == 409 and round_refused.json()["type"].endswith("program-not-proposing")


async def test_a_close_that_arrives_before_the_joins_it_followed_leaves_them_unproposed(matching) -> None:
    app, client = matching
    await in_transaction(app, lambda uow: close_program(uow, CLOSED))
    mentor, mentee = await join(app, mentor_profile()), await join(app, profile())
    for person in (mentor, mentee):
        assert (await client.get(f"/participants/{person}/matches")).json() == []
    assert await outbox_types(app, MATCHES.name) == []
    # a definition replayed after the close does not reopen it
    await in_transaction(app, lambda uow: follow_program(uow, "first-year-stem", definition(), datetime.now(UTC)))
    await join(app, profile())
    assert await open_matches(app) == 0


async def test_each_program_makes_pairs_the_way_it_says(matching) -> None:
    app, client = matching
    now = datetime.now(UTC)
    await in_transaction(app, lambda uow: follow_program(uow, "chosen", definition(matchmaking="self_selection"), now))
    await in_transaction(app, lambda uow: follow_program(uow, "assigned", definition(matchmaking="coordinator_rounds"), now))

    mentor, mentee = await join(app, mentor_profile(program_id="chosen")), await join(app, profile(program_id="chosen"))
    assert (await client.get(f"/participants/{mentee}/matches")).json() == []  # nobody proposes: they choose
    assert (await client.post("/programs/chosen/rounds", json={"dry_run": True})).status_code == 409
    asked = await client.post(f"/participants/{mentee}/requests", json={"partner_ids": [str(mentor)]})
    assert asked.status_code == 200 and asked.json()[0]["match_id"] is not None

    assigned_mentee = await join(app, profile(program_id="assigned"))
    refused = await client.post(f"/participants/{assigned_mentee}/requests", json={"partner_ids": [str(uuid.uuid4())]})
    assert refused.status_code == 409 and "coordinators' rounds only" in refused.json()["detail"]
    await join(app, mentor_profile(program_id="assigned"))
    assert len((await client.get(f"/participants/{assigned_mentee}/matches")).json()) == 1  # matching proposes
