"""Profile domain: joining a program."""

import uuid
from datetime import UTC, datetime

from mesh_profile.domain.participant import join
from tests.unit.factories import profile


def test_joining_creates_the_participant_and_the_event_others_learn_from() -> None:
    participant_id, now = uuid.uuid4(), datetime.now(UTC)
    given = profile(email="Ada.Lovelace@Uni.Example.edu")
    participant, event = join(participant_id, given, now, institution="northbridge", subject="account-7")
    assert event.participant_id == participant.participant_id == participant_id
    assert participant.subject == "account-7" and participant.institution == "northbridge"
    assert participant.profile == given and event.attributes == given.attributes() and event.joined_at == now
    assert "Ada" not in event.model_dump_json() and "account-7" not in event.model_dump_json()  # no personal data
    assert event.aggregate_id() == str(participant_id)


def test_emails_are_compared_without_case() -> None:
    participant, _ = join(uuid.uuid4(), profile(email="Ada.Lovelace@Uni.Example.edu"), datetime.now(UTC), institution="nb", subject="a")
    assert participant.email_key == "ada.lovelace@uni.example.edu"


def test_a_profile_is_replaced_whole_but_the_program_stays() -> None:
    import pytest

    from mesh_profile.domain.participant import NotActive, ProgramIsFixed

    participant, _ = join(uuid.uuid4(), profile(), datetime.now(UTC), institution="nb", subject="a")
    changed = profile(program_id=participant.profile.program_id, goals=["find a research project"])
    updated, event = participant.update(changed, datetime.now(UTC))
    assert updated.profile == changed and event.attributes == changed.attributes()
    assert "research project" not in event.model_dump_json()
    with pytest.raises(ProgramIsFixed, match="leave and join"):
        participant.update(profile(program_id="workplace-onboarding"), datetime.now(UTC))
    left, event = participant.leave("graduated", datetime.now(UTC))
    assert left.left_reason == "graduated" and "graduated" not in event.model_dump_json() and left.left_at is not None
    with pytest.raises(NotActive):
        left.leave(None, datetime.now(UTC))
    with pytest.raises(NotActive):
        left.update(changed, datetime.now(UTC))


def test_the_requester_of_an_erasure_is_recognised_by_a_salted_digest_only() -> None:
    import hashlib

    from mesh_profile.application.erase_participant import Erasure, digest

    first, second = digest("42"), digest("42")
    assert first != second  # a salt of its own each time
    assert hashlib.sha256(b"42").hexdigest() not in (first.split("$")[1], second.split("$")[1])  # not the guessable one
    erasure = Erasure(uuid.uuid4(), datetime.now(UTC), "participant", first)
    assert erasure.requested_by_account("42") and not erasure.requested_by_account("43")
    before_salting = Erasure(uuid.uuid4(), datetime.now(UTC), "participant", hashlib.sha256(b"42").hexdigest())
    assert before_salting.requested_by_account("42") and not before_salting.requested_by_account("43")
