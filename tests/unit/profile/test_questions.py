"""Registration questions: custom attributes a program marks ``asked`` are the participant's to answer;
every other stays the institution's word (M8), and the rules read both alike."""

import pytest

from mesh_profile.domain.eligibility import violations
from mesh_profile.domain.questions import as_the_program_spells_it, asked
from mesh_profile.domain.vouched import NotVouched, Vouched, kept_facts, self_joined
from tests.support.factories import profile
from tests.unit.profile.test_eligibility import program

COURSE = {
    "name": "course",
    "label": "Course",
    "kind": "choice",
    "choices": ["MATH101", "PHYS101"],
    "asked": True,
    "help": "The course you take this term",
}
HOURS = {"name": "hours", "label": "Hours a week", "kind": "number", "asked": True}
GRADE = {"name": "grade", "label": "Staff grade"}  # not asked: the roster's
ASKING = program(
    custom_attributes=[COURSE, HOURS, GRADE],
    eligibility=[
        {"rule_id": "first-courses", "attribute": "custom.course", "operator": "one_of", "values": ["math101"]},
        {"rule_id": "some-time", "attribute": "custom.hours", "operator": "range", "minimum": 2},
    ],
)
STUDENT = Vouched.of("student", 1, "Physics")


def test_a_program_names_the_questions_it_asks_and_what_each_means() -> None:
    assert asked(ASKING) == {"course", "hours"}
    assert asked(program(custom_attributes=[GRADE])) == frozenset()  # by default nothing is asked
    [course, hours, grade] = ASKING.custom_attributes
    assert (course.help, course.choices, hours.help, grade.asked) == (
        "The course you take this term",
        ["MATH101", "PHYS101"],
        None,
        False,
    )


@pytest.mark.parametrize(
    ("attributes", "rules", "message"),
    [
        ([COURSE | {"choices": []}], [], "a choice needs its choices"),
        ([HOURS | {"choices": ["1", "2"]}], [], "only a choice has choices"),
        ([COURSE | {"choices": ["MATH101", "math101"]}], [], "choices are named once each"),
        ([COURSE | {"kind": "colour"}], [], "Input should be 'text', 'number' or 'choice'"),
        (
            [COURSE],
            [{"rule_id": "r", "attribute": "custom.course", "operator": "equals", "value": "CHEM101"}],
            "'CHEM101' is not one of the choices of custom.course",
        ),
        (
            [COURSE],
            [{"rule_id": "r", "attribute": "custom.course", "operator": "range", "minimum": 1}],
            "custom.course is a choice, not a number",
        ),
        ([COURSE | {"help": "x" * 501}], [], "at most 500 characters"),
    ],
)
def test_a_question_that_cannot_be_answered_is_refused_when_the_program_is_written(attributes, rules, message) -> None:
    with pytest.raises(ValueError, match=message):
        program(custom_attributes=attributes, eligibility=rules)


def test_a_self_join_takes_answers_to_the_questions_asked_and_nothing_else_of_the_programs() -> None:
    answered = self_joined(profile(custom_attributes={"course": "MATH101", "hours": 3}), STUDENT, asked(ASKING))
    assert answered.custom_attributes == {"course": "MATH101", "hours": 3}
    assert answered.affiliation == "student"  # the token's facts, as ever
    with pytest.raises(NotVouched, match="the program does not ask it") as vouched_only:
        self_joined(profile(custom_attributes={"course": "MATH101", "grade": "G7"}), STUDENT, asked(ASKING))
    assert vouched_only.value.field == "custom_attributes.grade"
    with pytest.raises(NotVouched) as undefined:
        self_joined(profile(custom_attributes={"team": "blue"}), STUDENT, asked(ASKING))
    assert undefined.value.field == "custom_attributes.team"


def test_a_participant_changes_their_answers_even_after_a_roster_but_never_the_rosters_own_attributes() -> None:
    stored = profile(custom_attributes={"course": "MATH101", "hours": 3, "grade": "G7"})
    changed = kept_facts(stored, profile(custom_attributes={"course": "PHYS101"}), STUDENT, rostered=True, asked=asked(ASKING))
    assert changed.custom_attributes == {"course": "PHYS101", "hours": 3, "grade": "G7"}  # left out: kept
    same_grade = kept_facts(
        stored, profile(custom_attributes={"hours": 5, "grade": "G7"}), STUDENT, rostered=True, asked=asked(ASKING)
    )
    assert same_grade.custom_attributes == {"course": "MATH101", "hours": 5, "grade": "G7"}
    with pytest.raises(NotVouched, match="custom_attributes.grade comes from your program's roster") as refused:
        kept_facts(stored, profile(custom_attributes={"hours": 5, "grade": "G9"}), STUDENT, rostered=True, asked=asked(ASKING))
    assert refused.value.field == "custom_attributes.grade"
    with pytest.raises(NotVouched):  # without the program's questions, every attribute is the roster's
        kept_facts(stored, profile(custom_attributes={"course": "PHYS101"}), STUDENT, rostered=False)


def test_the_rules_read_the_answers_and_a_refusal_names_the_field_of_each() -> None:
    fits = profile(custom_attributes={"course": "math101", "hours": 2})
    assert violations(ASKING, fits) == []
    found = {v.rule_id: v.as_json() for v in violations(ASKING, profile(custom_attributes={"course": "PHYS101"}))}
    assert set(found) == {"first-courses", "some-time"}
    assert found["first-courses"]["field"] == "custom_attributes.course"
    assert found["first-courses"]["attribute"] == "custom.course" and found["first-courses"]["actual"] == "PHYS101"
    assert found["some-time"] == {
        "rule_id": "some-time",
        "attribute": "custom.hours",
        "field": "custom_attributes.hours",
        "message": "no custom.hours given; the program asks for at least 2",
        "expected": {"minimum": 2, "maximum": None},
        "actual": None,
    }


def test_an_answer_that_is_none_of_the_choices_or_not_a_number_is_refused_naming_its_field() -> None:
    wrong = profile(custom_attributes={"course": "CHEM101", "hours": "many"})
    kinds = [v.as_json() for v in violations(ASKING, wrong) if v.rule_id == "custom-attributes"]
    assert [(v["field"], v["message"]) for v in kinds] == [
        ("custom_attributes.course", "'course' must be one of 'MATH101', 'PHYS101', not 'CHEM101'"),
        ("custom_attributes.hours", "'hours' must be a number"),
    ]
    assert kinds[0]["expected"] == ["MATH101", "PHYS101"]


def test_a_choice_is_kept_as_the_program_spells_it() -> None:
    given = profile(custom_attributes={"course": "phys101", "hours": 3, "grade": "g7"})
    spelled = as_the_program_spells_it(ASKING, given)
    assert spelled.custom_attributes == {"course": "PHYS101", "hours": 3, "grade": "g7"}
    unknown = profile(custom_attributes={"course": "CHEM101"})
    assert as_the_program_spells_it(ASKING, unknown) is unknown  # left for the rules to refuse


def test_built_in_rules_name_the_profile_field_they_read() -> None:
    rules = program(
        eligibility=[
            {"rule_id": "english", "attribute": "language", "operator": "equals", "value": "en"},
            {"rule_id": "year", "attribute": "year_of_study", "operator": "equals", "value": 1},
        ]
    )
    fields = {
        v.rule_id: v.as_json()["field"]
        for v in violations(rules, profile(languages=["de"], topics=[{"topic": "Calculus II", "role": "peer"}]))
    }
    assert fields == {"english": "languages", "year": "year_of_study", "roles-offered": "topics"}
