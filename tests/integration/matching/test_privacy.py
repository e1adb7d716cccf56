"""What matching keeps and shows of people (security review M1, M9, L3, L14), on a real database
and through the HTTP API with real tokens."""

import json
import uuid
from datetime import UTC, datetime

import pytest

from mentoring_contracts import ParticipantErased
from mesh_matching.adapters.events import on_participant_erased
from mesh_matching.adapters.kept_in_memory import DecodedProfiles
from mesh_matching.adapters.postgres.candidates import PostgresCandidates
from mesh_matching.application.register_candidate import register_candidate
from mesh_matching.domain.candidate import Candidate
from mesh_runtime.forgetting import ForgetListener
from tests.integration.kafka_helpers import eventually
from tests.integration.matching.support import in_transaction
from tests.support.factories import mentor_profile, profile
from tests.support.identity import INSTITUTION, as_, bearer, local_issuer, service_secret
from tests.support.services import in_tenant


async def add(app, *candidates: Candidate) -> None:
    """Into the pool without proposing anyone: self-selection's starting point."""
    async with app.state.components.database.transaction(INSTITUTION) as transaction:
        for candidate in candidates:
            await PostgresCandidates(transaction.connection).add(candidate)


def person(given, subject: str | None = None) -> Candidate:
    return Candidate(uuid.uuid4(), given, subject or f"sub-{uuid.uuid4().hex[:8]}")


async def test_m1_an_erased_candidate_keeps_no_personal_value_in_any_column(matching) -> None:
    app, _ = matching
    erased = person(
        profile(
            affiliation="staff",
            department="Maths",
            year_of_study=3,
            custom_attributes={"course": "MATH101"},
            display_name="Zelda Q.",
            experiences=["ran the chess club"],
            goals=["win the olympiad"],
            challenges=["insomnia"],
            interests=["origami"],
        )
    )
    partner = person(mentor_profile())
    await in_transaction(app, lambda uow: register_candidate(uow, partner))
    [match] = await in_transaction(app, lambda uow: register_candidate(uow, erased))
    database = app.state.components.database
    before = await in_tenant(database).fetchrow("SELECT profile FROM candidates WHERE participant_id = $1", erased.participant_id)
    assert before["profile"]["display_name"] == "Zelda Q."

    await in_transaction(
        app,
        lambda uow: on_participant_erased(
            uow, ParticipantErased(participant_id=erased.participant_id, erased_at=datetime.now(UTC))
        ),
    )

    rows = await in_tenant(database).fetch("SELECT * FROM candidates WHERE participant_id = $1", erased.participant_id)
    assert len(rows) == 1
    held = json.dumps([dict(row) for row in rows], default=str)
    for value in (
        "staff",
        "Maths",
        "MATH101",
        "course",
        "Zelda",
        erased.profile.email,
        erased.subject,
        "ran the chess club",
        "win the olympiad",
        "insomnia",
        "origami",
        "affiliation",
        "department",
        "year_of_study",
        "email",
    ):
        assert value not in held, value
    kept = rows[0]["profile"]
    assert kept["display_name"] == "Erased participant" and kept["campus"] == "north" and kept["program_id"] == "first-year-stem"
    reasons = await in_tenant(database).fetchrow(
        "SELECT reasons, participant_reasons FROM matches WHERE match_id = $1", match.match_id
    )
    assert (reasons["reasons"], reasons["participant_reasons"]) == ([], [])


async def test_l14_another_replica_never_serves_an_erased_profile_and_keeps_none_of_it(matching) -> None:
    app, _ = matching
    database = app.state.components.database
    mentor = person(mentor_profile(challenges=["insomnia"]))
    mentee = person(profile())
    other_replica = DecodedProfiles(100)  # a second process's memory, on the same database

    async def seen_by_other_replica():
        async with database.transaction(INSTITUTION) as transaction:
            [partner] = await PostgresCandidates(transaction.connection, other_replica).open_partners(mentee)
            return partner.profile

    await add(app, mentor)
    assert (await seen_by_other_replica()).challenges == ["insomnia"]
    assert (await seen_by_other_replica()).challenges == ["insomnia"] and len(other_replica) == 1  # from its memory
    async with database.transaction(INSTITUTION) as transaction:  # this replica handles the erasure
        assert await PostgresCandidates(transaction.connection).anonymise(mentor.participant_id)
    erased = await seen_by_other_replica()
    assert erased.display_name == "Erased participant" and erased.challenges == []
    assert len(other_replica) == 1 and other_replica.get(mentor.participant_id, uuid.uuid4()) is None
    assert len(other_replica) == 0  # the old decode went with the first look at a newer version


async def test_l14_every_replica_forgets_an_erased_person_once_the_erasure_commits_and_not_before(matching) -> None:
    app, _ = matching
    database = app.state.components.database
    heard: list[uuid.UUID] = []
    other_replica = ForgetListener(app.state.components.settings.database_url, heard.append, lambda: None)
    await other_replica.start()

    async def listening() -> bool:
        return other_replica.listening

    async def heard_only_the_committed_erasure() -> bool:
        return heard == [gone.participant_id]

    try:
        assert await eventually(listening)
        kept, gone = person(mentor_profile()), person(mentor_profile())
        for someone in (kept, gone):
            await add(app, someone)
        with pytest.raises(RuntimeError):
            async with database.transaction(INSTITUTION) as transaction:  # an erasure that rolls back
                await PostgresCandidates(transaction.connection).anonymise(kept.participant_id)
                raise RuntimeError("the handler failed after anonymising")
        async with database.transaction(INSTITUTION) as transaction:
            await PostgresCandidates(transaction.connection).anonymise(gone.participant_id)
        assert await eventually(heard_only_the_committed_erasure), heard
    finally:
        await other_replica.stop()


async def test_m9_a_participant_never_reads_another_persons_challenges_but_coordinators_do(matching) -> None:
    app, client = matching
    asker = person(profile(challenges=["depression"], goals=["Pass the final exam"]))
    other = person(mentor_profile(challenges=["Depression", "adhd"], goals=["pass the final exam", "quit smoking"]))
    await add(app, asker, other)
    as_asker = as_("matching", "participant", subject=asker.subject, campuses=("north",))
    as_other = as_("matching", "participant", subject=other.subject, campuses=("north",))
    as_coordinator = as_("matching", "coordinator", campuses=("north",))

    def quotes(reasons: list[str], *words: str) -> bool:
        return any(word in reason.casefold() for reason in reasons for word in words)

    [shown] = (await client.get(f"/participants/{asker.participant_id}/suggestions", headers=as_asker)).json()
    assert shown["participant_id"] == str(other.participant_id)
    assert "1 shared challenge" in shown["reasons"] and "both share goals: pass the final exam" in shown["reasons"]
    assert not quotes(shown["reasons"], "depression", "adhd", "quit smoking")
    for staff in (as_coordinator, None):  # None: the client's admin
        [full] = (await client.get(f"/participants/{asker.participant_id}/suggestions", headers=staff)).json()
        assert "both face the same challenges: depression" in full["reasons"]

    [requested] = (
        await client.post(
            f"/participants/{asker.participant_id}/requests", headers=as_asker, json={"partner_ids": [str(other.participant_id)]}
        )
    ).json()
    match_id = requested["match_id"]
    notify = bearer(local_issuer().client_credentials("mesh-notify", service_secret("notify")))
    for reader in (as_asker, as_other, notify):  # the pair, and notify, which mails the reasons to the pair
        match = (await client.get(f"/matches/{match_id}", headers=reader)).json()
        assert match["reasons"] and not quotes(match["reasons"], "depression", "adhd", "quit smoking"), match["reasons"]
    for owner, headers in ((asker, as_asker), (other, as_other)):
        [listed] = (await client.get(f"/participants/{owner.participant_id}/matches", headers=headers)).json()
        assert not quotes(listed["reasons"], "depression", "adhd")
        names = {member["participant_id"]: member["display_name"] for member in listed["participants"]}
        assert names == {
            str(asker.participant_id): asker.profile.display_name,  # whom they are asked to meet
            str(other.participant_id): other.profile.display_name,
        }
    answered = (
        await client.post(f"/matches/{match_id}/accept", headers=as_other, json={"participant_id": str(other.participant_id)})
    ).json()
    assert answered["status"] == "accepted" and not quotes(answered["reasons"], "depression", "adhd")
    for staff in (as_coordinator, None):
        assert quotes((await client.get(f"/matches/{match_id}", headers=staff)).json()["reasons"], "depression")


async def test_l3_a_coordinator_of_one_campus_is_suggested_no_one_from_another(matching) -> None:
    app, client = matching
    north_mentee = person(profile(campus="north"))
    north_mentor, south_mentor = person(mentor_profile(campus="north")), person(mentor_profile(campus="south"))
    await add(app, north_mentee, north_mentor, south_mentor)
    url = f"/participants/{north_mentee.participant_id}/suggestions"
    north_only = as_("matching", "coordinator", campuses=("north",))
    shown = {s["participant_id"] for s in (await client.get(url, headers=north_only)).json()}
    assert shown == {str(north_mentor.participant_id)}
    everyone = {s["participant_id"] for s in (await client.get(url)).json()}  # an admin: the whole institution
    assert everyone == {str(north_mentor.participant_id), str(south_mentor.participant_id)}


async def test_m10_the_pools_digest_changes_with_what_suggestions_read_and_only_with_that(matching) -> None:
    """The database's digest of a participant's open partners, which lets a repeated ask skip the pool:
    a newcomer, a partner's changed profile, a campus out of sight each change it; nothing else does."""
    app, _ = matching
    me = Candidate(uuid.uuid4(), profile(program_id="stem", campus="north"))
    await in_transaction(app, lambda uow: register_candidate(uow, me))

    async def digest(campuses=None) -> str:
        return await in_transaction(app, lambda uow: uow.candidates.open_partners_digest(me, campuses))

    empty = await digest()
    north = Candidate(uuid.uuid4(), mentor_profile(program_id="stem", campus="north", mentor_capacity=2))
    await in_transaction(app, lambda uow: uow.candidates.add(north))
    with_north = await digest()
    assert with_north != empty and with_north == await digest()  # stable while nothing changes
    south = Candidate(uuid.uuid4(), mentor_profile(program_id="stem", campus="south", mentor_capacity=2))
    await in_transaction(app, lambda uow: uow.candidates.add(south))
    assert await digest() != with_north and await digest(frozenset({"north"})) == with_north  # out of sight
    before = await digest()
    changed = Candidate(south.participant_id, mentor_profile(program_id="stem", campus="south", goals=["new words"]))
    await in_transaction(app, lambda uow: uow.candidates.update_profile(changed))
    assert await digest() != before
