"""Matching's handlers: one table of current versions (retired ones are routed to them), each reading
the participant from profile's view on its unit of work."""

import uuid
from datetime import UTC, datetime

from mentoring_contracts import MatchProposed, ParticipantJoinedV1, ParticipantLeftV1
from mesh_matching.adapters.events import HANDLERS, on_participants_joined
from mesh_matching.bootstrap import DEFINITION
from mesh_matching.domain.candidate import Candidate
from mesh_runtime.db import Cause
from mesh_runtime.handlers import Delivered
from tests.support.factories import joined, mentor_profile, profile


def test_the_table_names_current_versions_and_the_service_consumes_their_history_too() -> None:
    assert not any(model.retired for model in HANDLERS)
    assert {ParticipantJoinedV1, ParticipantLeftV1} <= set(DEFINITION.consumes)
    assert len(DEFINITION.consumes) == 15


async def test_a_join_reads_the_participant_from_profile_and_an_erased_one_is_not_registered(uow) -> None:
    mentor, mentee, erased = joined(), joined(), joined()  # what the event says is not what is scored
    uow.profiles.known[mentor.participant_id] = Candidate(mentor.participant_id, mentor_profile(), "mentor-account")
    uow.profiles.known[mentee.participant_id] = Candidate(mentee.participant_id, profile())
    uow.profiles.known[erased.participant_id] = None
    causes = [Cause(uuid.uuid4(), uuid.uuid4(), uow.institution) for _ in range(3)]
    await on_participants_joined(uow, [Delivered(e, c) for e, c in zip((mentor, erased, mentee), causes, strict=True)])
    assert set(uow.candidates.rows) == {mentor.participant_id, mentee.participant_id}
    assert (await uow.candidates.get(mentor.participant_id)).subject == "mentor-account"
    assert len(uow.of_type(MatchProposed)) == 1
    assert uow.causes == [causes[2]]  # the proposal is caused by the join that made it, not the run


async def test_a_join_from_history_carries_its_profile_and_reads_none(uow) -> None:
    old = ParticipantJoinedV1(participant_id=uuid.uuid4(), profile=profile(), joined_at=datetime.now(UTC))
    await on_participants_joined(uow, [Delivered(old, uow.cause)])
    assert (await uow.candidates.get(old.participant_id)).profile.display_name == "Ada L."
