"""Notify reads what a batch's mails need in one call to each peer before the batch's transaction:
the contacts of its joins and profile updates from profile, the matches its match events quote from
matching. What the batch did not announce, or the peer did not know then, is read alone; a view
serves one event."""

import uuid
from datetime import UTC, datetime, timedelta

from mentoring_contracts import (
    MatchArranged,
    MatchDeclined,
    MatchEnded,
    MatchParticipant,
    MatchProposed,
    ParticipantJoinedV1,
    ParticipantProfileUpdated,
    new_envelope,
    service_source,
)
from mesh_notify.adapters.peers import NotifyPeers
from tests.support.factories import joined, profile
from tests.support.identity import INSTITUTION

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)


class FakePeer:
    """A peer's bulk route and its one-id route over ``views`` (what it knows); ``calls``: what was asked."""

    def __init__(self, views_field: str, id_field: str) -> None:
        self.views_field, self.id_field = views_field, id_field
        self.views: dict[uuid.UUID, dict] = {}
        self.calls: list[tuple[str, str, int]] = []

    def knows(self, *ids: uuid.UUID) -> None:
        for each in ids:
            self.views[each] = {self.id_field: str(each), "status": "active", **_words(each)}

    async def post(self, path: str, body: dict) -> dict:
        [ids] = [[uuid.UUID(each) for each in values] for values in body.values()]
        self.calls.append(("POST", path, len(ids)))
        return {self.views_field: [self.views[each] for each in ids if each in self.views], "unknown": []}

    async def get(self, path: str) -> dict | None:
        self.calls.append(("GET", path, 1))
        return self.views.get(uuid.UUID(path.split("/")[2]))


def _words(each: uuid.UUID) -> dict:
    return {
        "display_name": f"name {each}",
        "email": "someone@uni.example.edu",
        "time_zone": "Europe/Berlin",
        "campus": "north",
        "subject": None,
        "reasons": [f"reason {each}"],
        "closing_reason": None,
        "note": f"note {each}",
    }


def peers() -> tuple[NotifyPeers, FakePeer, FakePeer]:
    profiles, matches = FakePeer("contacts", "participant_id"), FakePeer("matches", "match_id")
    return NotifyPeers(profiles, matches), profiles, matches  # type: ignore[arg-type]  # fake peers


def envelopes(*events):
    return [new_envelope(event, source=service_source("x"), institution=INSTITUTION) for event in events]


def pair() -> list[uuid.UUID]:
    return [uuid.uuid4(), uuid.uuid4()]


def match_events() -> list:
    proposed = MatchProposed(
        match_id=uuid.uuid4(),
        program_id="p",
        topic_name="Calculus II",
        kind="peer",
        participants=[MatchParticipant(participant_id=each, role="peer") for each in pair()],
        score=0.8,
        score_parts=[],
        proposed_at=NOW,
        expires_at=NOW + timedelta(days=7),
    )
    arranged = MatchArranged(
        **proposed.model_dump(exclude={"match_id"}), match_id=uuid.uuid4(), arranged_by="coordinator", with_note=True
    )
    declined = MatchDeclined(
        match_id=uuid.uuid4(), program_id="p", participant_ids=pair(), declined_by=uuid.uuid4(), declined_at=NOW
    )
    ended = MatchEnded(match_id=uuid.uuid4(), program_id="p", participant_ids=pair(), outcome="completed", ended_at=NOW)
    return [proposed, arranged, declined, ended]


async def test_a_batch_reads_its_contacts_in_one_call_and_its_matches_in_another() -> None:
    notify, profiles, matches = peers()
    joins = [joined() for _ in range(3)]
    updated = ParticipantProfileUpdated(participant_id=uuid.uuid4(), attributes=profile().attributes(), updated_at=NOW)
    quoting = match_events()
    profiles.knows(*[event.participant_id for event in [*joins, updated]])
    matches.knows(*[event.match_id for event in quoting])
    await notify.prefetch(envelopes(*joins, updated, *quoting))
    assert profiles.calls == [("POST", "/participants/contacts", 4)]
    assert matches.calls == [("POST", "/matches/lookup", 4)]
    contacts = [await notify.contact_of(event) for event in [*joins, updated]]
    assert [contact.display_name for contact in contacts if contact] == [f"name {e.participant_id}" for e in [*joins, updated]]
    details = [await notify.details_of(event) for event in quoting]
    assert [d["reasons"] for d in details] == [[f"reason {event.match_id}"] for event in quoting]
    assert details[1]["note"] == f"note {quoting[1].match_id}"  # the arranged pair's note
    assert len(profiles.calls) == len(matches.calls) == 1  # no read per event


async def test_what_the_batch_did_not_announce_or_its_peer_did_not_know_is_read_alone() -> None:
    notify, profiles, matches = peers()
    early, late = joined(), joined()
    quoting = match_events()
    profiles.knows(early.participant_id)
    matches.knows(quoting[0].match_id)
    await notify.prefetch(envelopes(early, late, *quoting[:2]))
    profiles.knows(late.participant_id)
    matches.knows(quoting[1].match_id)
    assert (await notify.contact_of(late)) is not None  # profile did not know them when the batch was read
    assert (await notify.details_of(quoting[1]))["note"] == f"note {quoting[1].match_id}"
    assert (await notify.contact_of(early)) is not None and (await notify.contact_of(early)) is not None
    assert [call[0] for call in profiles.calls] == ["POST", "GET", "GET"]  # the second use of a view reads afresh
    assert [call[0] for call in matches.calls] == ["POST", "GET"]
    await notify.prefetch(envelopes(late))  # a new batch: nothing of the last one is left
    assert (await notify.details_of(quoting[0]))["reasons"] and matches.calls[-1][0] == "GET"


async def test_a_batch_with_nothing_to_read_calls_nobody() -> None:
    notify, profiles, matches = peers()
    retired = ParticipantJoinedV1(participant_id=uuid.uuid4(), profile=profile(), joined_at=NOW)  # carries its contact
    await notify.prefetch(envelopes(retired))
    assert (await notify.contact_of(retired)) is not None
    assert profiles.calls == matches.calls == []
