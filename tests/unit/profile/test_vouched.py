"""M8: the facts programs' rules read are the institution's, never the participant's own word."""

import pytest

from mesh_profile.domain.vouched import NotVouched, Vouched, kept_facts, self_joined
from tests.support.factories import profile

STUDENT = Vouched.of("student", 1, "Physics")


def test_m8_a_self_join_takes_the_tokens_facts_and_refuses_others() -> None:
    taken = self_joined(profile(), STUDENT)
    assert (taken.affiliation, taken.year_of_study, taken.department) == ("student", 1, "Physics")
    assert self_joined(profile(department="PHYSICS"), STUDENT).department == "Physics"  # words without case
    with pytest.raises(NotVouched, match="affiliation comes from your institution") as refused:
        self_joined(profile(affiliation="staff"), STUDENT)
    assert refused.value.field == "affiliation"
    with pytest.raises(NotVouched, match="your token gives none"):
        self_joined(profile(year_of_study=2), Vouched())
    with pytest.raises(NotVouched) as custom:
        self_joined(profile(custom_attributes={"course": "MATH101"}), STUDENT)
    assert custom.value.field == "custom_attributes.course"


def test_m8_what_a_token_says_counts_only_if_a_profile_can_hold_it() -> None:
    assert Vouched.of("member", 13, "x" * 121) == Vouched()  # eduPersonAffiliation's member, say
    assert self_joined(profile(), Vouched.of("alum", None, None)).affiliation is None


def test_m8_a_participants_change_keeps_the_facts_and_takes_a_new_one_only_from_their_token() -> None:
    stored = self_joined(profile(), STUDENT)
    kept = kept_facts(stored, stored.model_copy(update={"affiliation": None, "goals": ["pass"]}), STUDENT, rostered=False)
    assert kept.affiliation == "student" and kept.goals == ["pass"]
    a_year_on = Vouched.of("student", 2, "Physics")
    assert kept_facts(stored, stored.model_copy(update={"year_of_study": 2}), a_year_on, rostered=False).year_of_study == 2
    with pytest.raises(NotVouched, match="year_of_study comes from your institution"):
        kept_facts(stored, stored.model_copy(update={"year_of_study": 3}), a_year_on, rostered=False)
    with pytest.raises(NotVouched, match="roster"):  # the roster's word stands over the token's
        kept_facts(stored, stored.model_copy(update={"year_of_study": 2}), a_year_on, rostered=True)


def test_m8_custom_attributes_stay_as_the_roster_gave_them() -> None:
    stored = profile(custom_attributes={"course": "MATH101", "credits": 12})
    assert kept_facts(stored, profile(), Vouched(), rostered=True).custom_attributes == stored.custom_attributes
    with pytest.raises(NotVouched) as refused:
        kept_facts(stored, profile(custom_attributes={"course": "MATH101", "credits": 30}), Vouched(), rostered=True)
    assert refused.value.field == "custom_attributes.credits"
