"""Profile domain: joining a program."""

import uuid
from datetime import UTC, datetime

import pytest

from mesh_profile.domain.participant import MentoringAwaitsApproval, join
from tests.support.factories import mentor_profile, profile


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
    participant, _ = join(
        uuid.uuid4(), profile(email="Ada.Lovelace@Uni.Example.edu"), datetime.now(UTC), institution="nb", subject="a"
    )
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

    from mesh_profile.domain.erasure import Erasure, digest

    first, second = digest("42"), digest("42")
    assert first != second  # a salt of its own each time
    assert hashlib.sha256(b"42").hexdigest() not in (first.split("$")[1], second.split("$")[1])  # not the guessable one
    erasure = Erasure(uuid.uuid4(), datetime.now(UTC), "participant", first)
    assert erasure.requested_by_account("42") and not erasure.requested_by_account("43")
    before_salting = Erasure(uuid.uuid4(), datetime.now(UTC), "participant", hashlib.sha256(b"42").hexdigest())
    assert before_salting.requested_by_account("42") and not before_salting.requested_by_account("43")


def test_m8_until_approved_a_mentor_is_published_without_their_mentoring() -> None:
    now = datetime.now(UTC)
    topics = [{"topic": "Calculus II", "role": "mentor"}, {"topic": "Physics", "role": "mentee"}]
    both, event = join(uuid.uuid4(), mentor_profile(topics=topics), now, institution="nb", subject="a", approval_needed=True)
    assert both.mentoring_pending and [t.role for t in event.attributes.topics] == ["mentee"]
    assert event.attributes.mentor_capacity == 0 and both.profile.mentor_capacity == 2  # theirs kept, not published
    approved, update = both.approve_mentoring(now)
    assert not approved.mentoring_pending and update.attributes == approved.profile.attributes()
    assert approved.approve_mentoring(now)[1] is None  # approving again announces nothing
    assert approved.update(mentor_profile(), now, approval_needed=True)[0].mentoring_pending is False  # it stands

    only, none = join(uuid.uuid4(), mentor_profile(), now, institution="nb", subject="b", approval_needed=True)
    assert none is None and only.withheld  # nothing to publish until approved, then they join
    assert type(only.approve_mentoring(now)[1]).__name__ == "ParticipantJoined"
    assert only.update(mentor_profile(goals=["x"]), now, approval_needed=True)[1] is None

    mentee, _ = join(uuid.uuid4(), profile(), now, institution="nb", subject="c", approval_needed=True)
    with pytest.raises(MentoringAwaitsApproval):  # known to matching: not made to vanish from it
        mentee.update(mentor_profile(), now, approval_needed=True)


def test_m1_erasure_keeps_an_allow_list_so_a_field_added_later_goes_too() -> None:
    from mentoring_contracts.events.participants import ParticipantAttributes

    joined, _ = join(
        uuid.uuid4(),
        profile(
            experiences=["x"],
            interests=["y"],
            affiliation="staff",
            year_of_study=3,
            department="Maths",
            custom_attributes={"course": "MATH101"},
        ),
        datetime.now(UTC),
        institution="nb",
        subject="s",
        external_id="e1",
    )
    erased, _ = joined.erase(datetime.now(UTC))
    kept = {
        name
        for name in type(erased.profile).model_fields
        if getattr(erased.profile, name) != type(erased.profile).model_fields[name].get_default(call_default_factory=True)
    }
    assert kept <= set(ParticipantAttributes.model_fields) | {"display_name", "email"}  # nothing else has a value
    assert erased.profile.display_name == "Erased participant" and erased.profile.email.endswith("@erased.example.org")
    assert (erased.subject, erased.external_id, erased.left_reason) == (None, None, None)


def test_m1_a_personal_field_the_contracts_gain_later_is_erased_without_anyone_listing_it() -> None:
    from dataclasses import replace

    from mentoring_contracts.events.participants import ParticipantProfile

    class LaterProfile(ParticipantProfile):  # a release adds a field and forgets erasure
        pronouns: str | None = None

    joined, _ = join(uuid.uuid4(), profile(), datetime.now(UTC), institution="nb", subject="s")
    later = replace(joined, profile=LaterProfile.model_validate(joined.profile.model_dump() | {"pronouns": "they/them"}))
    erased, _ = later.erase(datetime.now(UTC))
    assert "they/them" not in erased.profile.model_dump_json()
