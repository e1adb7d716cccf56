"""M1: matching stores of a profile only what it names (an allow-list), and keeps of an erased one
only the attributes that identify nobody."""

import re
from importlib import resources

from mentoring_contracts import ParticipantAttributes, ParticipantProfile
from mesh_matching.adapters.postgres.candidates import stored_form, stored_profile
from mesh_matching.domain.candidate import ANONYMOUS, ERASED, KEPT
from tests.support.factories import profile

PERSONAL = {"affiliation": "staff", "department": "Maths", "year_of_study": 3, "custom_attributes": {"course": "MATH101"}}


def test_m1_only_the_fields_matching_names_are_stored() -> None:
    given = profile(**PERSONAL)
    stored = stored_form(given)
    assert set(stored) == set(KEPT)
    assert "email" not in stored and not set(PERSONAL) & set(stored)
    assert given.email not in repr(stored) and "MATH101" not in repr(stored) and "Maths" not in repr(stored)
    assert stored_profile(stored).model_dump() == given.model_dump(include=set(KEPT))


class LaterProfile(ParticipantProfile):
    """As if the contract grew a personal field after this service was written."""

    student_number: str


def test_m1_a_field_profile_adds_later_is_not_stored() -> None:
    later = LaterProfile(**profile().model_dump(), student_number="s1234567")
    assert "student_number" in later.model_dump() and "student_number" not in stored_form(later)


def test_m1_erasure_keeps_only_attributes_that_identify_nobody_and_fixed_values_for_the_rest() -> None:
    assert set(ANONYMOUS) <= set(ParticipantAttributes.model_fields)
    assert set(KEPT) == set(ANONYMOUS) | set(ERASED) and not set(ANONYMOUS) & set(ERASED)
    assert ERASED["display_name"] == "Erased participant" and all(v == [] for k, v in ERASED.items() if k != "display_name")


def test_m1_the_migration_that_trims_stored_profiles_keeps_the_same_fields() -> None:
    sql = resources.files("mesh_matching.migrations").joinpath("014_stored_profile_allow_list.sql").read_text()
    listed = re.search(r"WHERE key IN \(([^)]*)\)", sql)
    assert listed and set(re.findall(r"'([a-z_]+)'", listed.group(1))) == set(KEPT)
