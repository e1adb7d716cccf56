"""A roster's rows, each placed by its own rules: new, updated, unchanged or rejected saying why; a
batch sent again changes nothing. On the in-memory unit of work, and one row at a time."""

import uuid
from datetime import UTC, datetime

from mentoring_contracts import ParticipantJoined, ParticipantProfileUpdated
from mesh_profile.application.change_participation import leave_program
from mesh_profile.application.import_roster import RosterBatch, RosterRow, SeatCount, import_roster
from mesh_profile.application.join_program import join_program
from mesh_profile.application.ports import StoredParticipant
from mesh_profile.domain.participant import join
from tests.support.factories import profile
from tests.support.identity import INSTITUTION
from tests.support.programs import roster_row
from tests.unit.profile.application.given import a_program, person


def row(line: int, external_id: str, **overrides) -> RosterRow:
    return RosterRow(**roster_row(line, external_id, **overrides))


async def send(uow, *rows: RosterRow, campuses=("north", "south")):
    results = await import_roster(
        uow, "first-year-stem", list(rows), institution=INSTITUTION, may_place=lambda campus: campus in campuses
    )
    return {result.line: (result.outcome, result.reasons) for result in results}


async def test_rows_are_upserted_by_external_id_and_a_batch_sent_again_changes_nothing(uow) -> None:
    await a_program(uow)
    first = await send(uow, row(2, "s2"), row(3, "s3"), row(4, "s2"))
    assert first[2] == ("new", []) and first[3] == ("new", []) and first[4][0] == "rejected"
    assert "external id 's2' is also on line 2" in first[4][1]
    assert [type(event) for event in uow.emitted] == [ParticipantJoined, ParticipantJoined]
    assert await send(uow, row(2, "s2"), row(3, "s3")) == {2: ("unchanged", []), 3: ("unchanged", [])}
    changed = await import_roster(
        uow, "first-year-stem", [row(2, "s2", goals=["a new goal"])], institution=INSTITUTION, may_place=lambda _: True
    )
    assert changed[0].outcome == "updated" and changed[0].changed == ["goals"]
    assert [type(event) for event in uow.emitted][2:] == [ParticipantProfileUpdated]
    assert uow.rosters_locked == ["first-year-stem"] * 3


async def test_a_row_naming_someone_on_a_campus_the_importer_does_not_coordinate_is_rejected_without_saying_who(uow) -> None:
    await a_program(uow)
    await send(uow, row(2, "s2", campus="south"))
    by_id = await send(uow, row(2, "s2"), campuses=("north",))
    assert by_id[2] == ("rejected", ["external id 's2' is a participant on a campus you do not coordinate"])
    by_email = await send(uow, row(3, "s3", email="s2@uni.example.edu"), campuses=("north",))
    assert by_email[3] == ("rejected", ["email s2@uni.example.edu belongs to another participant"])
    assert await send(uow, row(3, "s3", email="s2@uni.example.edu")) == {
        3: ("rejected", ["email s2@uni.example.edu belongs to another participant (external id s2)"])
    }


async def test_someone_who_joined_themself_is_recognised_by_email_and_one_who_left_is_not_brought_back(uow) -> None:
    await a_program(uow)
    ada = "s5@uni.example.edu"
    themself = await join_program(uow, profile(email=ada), institution=INSTITUTION, subject="ada", person=person(ada))
    leaver = await join_program(
        uow, profile(email="s6@uni.example.edu"), institution=INSTITUTION, subject="b", person=person("s6@uni.example.edu")
    )
    await leave_program(uow, leaver.participant_id, None)
    results = await import_roster(
        uow, "first-year-stem", [row(5, "s5"), row(6, "s6")], institution=INSTITUTION, may_place=lambda _: True
    )
    adopted, left = results
    assert adopted.outcome == "updated" and adopted.participant_id == themself.participant_id
    assert (await uow.participants.get(themself.participant_id)).external_id == "s5"
    assert left.outcome == "rejected" and left.participant_id == leaver.participant_id
    assert left.reasons == [f"participant {leaver.participant_id} has left; a roster does not bring them back"]


def test_a_row_is_placed_against_the_batch_in_memory_taking_a_seat_only_when_one_is_free() -> None:
    batch = RosterBatch(
        INSTITUTION,
        datetime(2026, 3, 2, 9, tzinfo=UTC),
        lambda _: True,
        known={},
        by_email={},
        seats=SeatCount({"mentee": (1, 0)}),
    )
    first = batch.place(row(2, "s2"), profile(email="s2@uni.example.edu", affiliation="student"))
    second = batch.place(row(3, "s3"), profile(email="s3@uni.example.edu", affiliation="student"))
    assert first.outcome == "new" and second.outcome == "rejected"
    assert second.reasons == ["the program has no mentee places left"]
    assert [p.external_id for p in batch.joined] == ["s2"] and batch.seats.changes == {"mentee": 1}
    assert [event.participant_id for event in batch.events] == [first.participant_id]
    known, _ = join(uuid.uuid4(), profile(email="s4@uni.example.edu"), batch.now, institution=INSTITUTION, subject=None)
    batch.known["s4"] = StoredParticipant.of(known)
    placed = batch.place(row(4, "s4"), known.profile)  # the same profile, but the external id is new to them
    assert placed.outcome == "updated" and placed.changed == ["external_id"] and len(batch.events) == 1
