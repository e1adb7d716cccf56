"""Scheduling reads the accounts of a batch's pairs from profile in one call before the batch's
transaction; a member the batch did not announce, or profile did not know then, is read alone."""

import uuid
from datetime import UTC, datetime

from mentoring_contracts import MatchAccepted, MatchAcceptedV1, MatchEnded, ParticipantScheduleV1, new_envelope, service_source
from mesh_scheduling.adapters.peers import ProfileReads
from tests.support.identity import INSTITUTION
from tests.support.pairs import member


class FakeProfile:
    """Profile's contact routes over ``subjects`` (the participants it knows); ``calls``: what was asked."""

    def __init__(self) -> None:
        self.subjects: dict[uuid.UUID, str] = {}
        self.calls: list[tuple[str, str, int]] = []

    async def post(self, path: str, body: dict) -> dict:
        ids = [uuid.UUID(each) for each in body["participant_ids"]]
        self.calls.append(("POST", path, len(ids)))
        return {
            "contacts": [self._view(each) for each in ids if each in self.subjects],
            "unknown": [str(each) for each in ids if each not in self.subjects],
        }

    async def get(self, path: str) -> dict | None:
        self.calls.append(("GET", path, 1))
        participant_id = uuid.UUID(path.split("/")[2])
        return self._view(participant_id) if participant_id in self.subjects else None

    def _view(self, participant_id: uuid.UUID) -> dict:
        return {"participant_id": str(participant_id), "status": "active", "subject": self.subjects[participant_id]}


def accepted() -> MatchAccepted:
    return MatchAccepted(
        match_id=uuid.uuid4(),
        program_id="p",
        topic_name="Calculus II",
        kind="peer",
        participants=[member(), member()],
        accepted_at=datetime.now(UTC),
    )


def envelopes(*events):
    return [new_envelope(event, source=service_source("matching"), institution=INSTITUTION) for event in events]


def known(profile: FakeProfile, *events: MatchAccepted) -> None:
    for event in events:
        for each in event.participants:
            profile.subjects[each.participant_id] = f"account-{each.participant_id}"


def subjects(event: MatchAccepted) -> tuple[str, str]:
    first, second = event.participants
    return (f"account-{first.participant_id}", f"account-{second.participant_id}")


async def test_a_batch_of_acceptances_reads_both_members_of_each_in_one_call() -> None:
    profile = FakeProfile()
    pairs = [accepted() for _ in range(3)]
    known(profile, *pairs)
    ended = MatchEnded(
        match_id=uuid.uuid4(),
        program_id="p",
        participant_ids=[uuid.uuid4(), uuid.uuid4()],
        outcome="completed",
        ended_at=datetime.now(UTC),
    )
    reads = ProfileReads(profile)  # type: ignore[arg-type]  # a fake peer
    await reads.prefetch(envelopes(*pairs, ended))
    assert profile.calls == [("POST", "/participants/contacts", 6)]
    assert [await reads.subjects_of(pair) for pair in pairs] == [subjects(pair) for pair in pairs]
    assert profile.calls == [("POST", "/participants/contacts", 6)]  # no read per event


async def test_a_member_not_in_the_batchs_answer_is_read_alone_and_a_view_serves_once() -> None:
    profile = FakeProfile()
    pair, later = accepted(), accepted()
    known(profile, pair)
    newcomer = pair.participants[1].participant_id
    del profile.subjects[newcomer]  # profile did not know them when the batch was read
    reads = ProfileReads(profile)  # type: ignore[arg-type]  # a fake peer
    await reads.prefetch(envelopes(pair))
    known(profile, pair, later)
    assert await reads.subjects_of(pair) == subjects(pair)
    assert profile.calls[1:] == [("GET", f"/participants/{newcomer}/contact", 1)]
    assert await reads.subjects_of(pair) == subjects(pair)  # a second event about them reads afresh
    assert await reads.subjects_of(later) == subjects(later)  # not announced by the batch
    assert [call[0] for call in profile.calls] == ["POST", "GET", "GET", "GET", "GET", "GET"]
    await reads.prefetch(envelopes(later))  # a new batch: nothing of the last one is left
    assert profile.calls[-1] == ("POST", "/participants/contacts", 2)
    assert await reads.subjects_of(pair) == subjects(pair) and profile.calls[-1][0] == "GET"


async def test_retired_acceptances_carry_their_accounts_and_more_than_a_call_takes_go_in_several() -> None:
    profile = FakeProfile()
    retired = MatchAcceptedV1.model_validate(
        accepted().model_dump() | {"participants": [ParticipantScheduleV1(**member().model_dump(), subject="a") for _ in "ab"]}
    )
    reads = ProfileReads(profile)  # type: ignore[arg-type]  # a fake peer
    await reads.prefetch(envelopes(retired))
    assert profile.calls == [] and await reads.subjects_of(retired) == ("a", "a")
    many = [accepted() for _ in range(501)]  # 1,002 members
    await reads.prefetch(envelopes(*many))
    assert profile.calls == [("POST", "/participants/contacts", 1000), ("POST", "/participants/contacts", 2)]
