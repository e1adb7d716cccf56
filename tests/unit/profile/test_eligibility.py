"""A program's participation rules read against profiles: every failed rule named, with why."""

import pytest

from mentoring_contracts import ProgramDefinition
from mesh_profile.domain.eligibility import violations
from tests.support.factories import mentor_profile, profile


def program(**overrides) -> ProgramDefinition:
    return ProgramDefinition.model_validate(
        {
            "name": "First-year STEM",
            "setting": "academic",
            "campuses": ["north", "south"],
            "matching_mode": "mentor_mentee",
            **overrides,
        }
    )


RULES = program(
    custom_attributes=[{"name": "course", "label": "Course code"}, {"name": "credits", "label": "Credits", "kind": "number"}],
    eligibility=[
        {"rule_id": "students", "attribute": "affiliation", "operator": "equals", "value": "student"},
        {"rule_id": "early-years", "attribute": "year_of_study", "operator": "range", "minimum": 1, "maximum": 2},
        {"rule_id": "stem-departments", "attribute": "department", "operator": "one_of", "values": ["Mathematics", "Physics"]},
        {"rule_id": "speaks-english", "attribute": "language", "operator": "equals", "value": "en"},
        {"rule_id": "first-courses", "attribute": "custom.course", "operator": "one_of", "values": ["MATH101", "PHYS101"]},
        {"rule_id": "enough-credits", "attribute": "custom.credits", "operator": "range", "minimum": 10},
    ],
)


def test_a_profile_that_meets_every_rule_is_admitted_whatever_the_case_of_its_words() -> None:
    fits = profile(
        affiliation="student",
        year_of_study=2,
        department="mathematics",
        languages=["de", "EN"],
        custom_attributes={"course": "math101", "credits": 12},
    )
    assert violations(RULES, fits) == []


def test_every_failed_rule_is_named_with_what_was_asked_and_what_was_given() -> None:
    failing = profile(
        affiliation="staff",
        year_of_study=3,
        department="History",
        languages=["de"],
        custom_attributes={"course": "HIST200", "credits": 4},
    )
    found = {violation.rule_id: violation for violation in violations(RULES, failing)}
    assert set(found) == {"students", "early-years", "stem-departments", "speaks-english", "first-courses", "enough-credits"}
    assert found["early-years"].actual == 3 and found["early-years"].expected == {"minimum": 1, "maximum": 2}
    assert found["early-years"].message == "year_of_study is 3; the program asks for 1 to 2"
    assert found["stem-departments"].message == "department is 'History'; the program asks for one of 'Mathematics', 'Physics'"
    assert found["enough-credits"].message == "custom.credits is 4; the program asks for at least 10"
    assert found["speaks-english"].actual == ["de"]


def test_an_attribute_not_given_fails_its_rule_and_says_so() -> None:
    [missing] = violations(
        RULES, profile(affiliation="student", year_of_study=1, custom_attributes={"course": "PHYS101", "credits": 30})
    )
    assert missing.rule_id == "stem-departments" and missing.actual is None
    assert missing.message == "no department given; the program asks for one of 'Mathematics', 'Physics'"


def test_the_summary_a_program_gives_is_what_a_refusal_quotes() -> None:
    worded = program(
        eligibility=[
            {
                "rule_id": "staff-only",
                "attribute": "affiliation",
                "operator": "equals",
                "value": "staff",
                "summary": "members of staff",
            }
        ]
    )
    [refused] = violations(worded, profile(affiliation="student"))
    assert refused.message == "affiliation is 'student'; the program asks for members of staff"


def test_what_every_program_asks_its_setting_campus_roles_topics_and_attributes() -> None:
    narrow = program(
        setting="workplace",
        campuses=["south"],
        roles_offered=["peer"],
        topics=["Onboarding"],
        custom_attributes=[{"name": "grade", "label": "Grade", "kind": "number"}],
    )
    found = {v.rule_id: v for v in violations(narrow, mentor_profile(custom_attributes={"grade": "senior", "team": "x"}))}
    assert set(found) == {"program-setting", "program-campus", "roles-offered", "topics-offered", "custom-attributes"}
    assert found["roles-offered"].actual == ["mentor"]
    assert found["topics-offered"].actual == ["Calculus II"]
    assert [v.message for v in violations(narrow, mentor_profile()) if v.rule_id == "roles-offered"] == [
        "the program offers the roles 'peer', not 'mentor'"
    ]
    attribute_problems = [
        v.message
        for v in violations(narrow, mentor_profile(custom_attributes={"grade": "senior", "team": "x"}))
        if v.rule_id == "custom-attributes"
    ]
    assert attribute_problems == ["the program defines no attribute 'team' (it defines 'grade')", "'grade' must be a number"]


def test_the_roles_of_the_matching_mode_are_offered_when_none_are_named() -> None:
    assert program().roles == ("mentor", "mentee")
    assert program(matching_mode="peer").roles == ("peer",)
    assert [v.rule_id for v in violations(program(matching_mode="peer"), profile())] == ["roles-offered"]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"rule_id": "r", "attribute": "department", "operator": "range", "minimum": 1}, "department is not a number"),
        ({"rule_id": "r", "attribute": "year_of_study", "operator": "equals"}, "equals needs a value"),
        ({"rule_id": "r", "attribute": "year_of_study", "operator": "range", "minimum": 3, "maximum": 1}, "minimum 3.0 is above"),
        ({"rule_id": "r", "attribute": "custom.course", "operator": "equals", "value": "x"}, "custom_attributes does not define"),
        ({"rule_id": "r", "attribute": "shoe_size", "operator": "equals", "value": 9}, "String should match pattern"),
    ],
)
def test_a_rule_that_cannot_be_checked_is_refused_when_the_program_is_written(rule, message) -> None:
    with pytest.raises(ValueError, match=message):
        program(eligibility=[rule])
