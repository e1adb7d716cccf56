"""The program form's steps: what each reads into the draft, and the mistakes it names beside their field."""

from mesh_web.pages.console.program_steps import blank_program, read, rows_shown, values_of
from mesh_web.rendering import Form


def answered(step: str, values: dict, draft: dict | None = None, new: bool = True) -> tuple[dict, Form]:
    form = Form(values=values)
    return read(step, values, form, draft or blank_program(), new=new), form


def test_about_reads_the_id_name_campuses_and_criteria() -> None:
    draft, form = answered(
        "about",
        {
            "program_id": "first-year-stem",
            "name": " STEM peers ",
            "setting": "academic",
            "campuses": ["north", "south"],
            "other_campuses": "east\nnorth\n",
            "participation_criteria": "first years\n\nfirst years\nSTEM",
        },
    )
    assert form.ok, form.errors
    assert draft["program_id"] == "first-year-stem" and draft["name"] == "STEM peers"
    assert draft["campuses"] == ["north", "south", "east"]  # each once, in the order given
    assert draft["participation_criteria"] == ["first years", "STEM"]


def test_about_names_each_mistake_beside_its_field() -> None:
    _, form = answered("about", {"program_id": "Bad Id", "name": "", "setting": "space"})
    assert set(form.errors) == {"program_id", "name", "setting", "campuses"}
    _, changing = answered("about", {"name": "x", "setting": "academic", "campuses": "north"}, new=False)
    assert changing.ok, "a program's id is not asked when changing it"


def test_terms_are_rows_a_blank_row_is_none_and_an_id_is_made_from_the_name() -> None:
    draft, form = answered(
        "terms",
        {
            "terms.0.name": "Autumn 2026",
            "terms.0.starts_on": "2026-09-14",
            "terms.0.ends_on": "2026-12-18",
            "terms.1.name": "",
            "terms.1.starts_on": "",
            "terms.2.name": "Spring",
            "terms.2.starts_on": "2027-02-01",
            "terms.2.ends_on": "2027-01-01",
        },
    )
    assert draft["terms"][0] == {
        "term_id": "autumn-2026",
        "name": "Autumn 2026",
        "starts_on": "2026-09-14",
        "ends_on": "2026-12-18",
    }
    assert len(draft["terms"]) == 2
    assert set(form.errors) == {"terms.2.ends_on"}, "the last day before the first is named on the row's last day"


def test_matching_and_limits_read_choices_numbers_and_capacity_by_role() -> None:
    draft, form = answered(
        "matching",
        {
            "matching_mode": "peer",
            "matchmaking": "both",
            "default_cadence": "monthly",
            "roles_offered": ["peer"],
            "topics": "Chess\nGo",
            "session_minutes": "45",
            "mentors_need_approval": "yes",
        },
    )
    assert form.ok and draft["topics"] == ["Chess", "Go"] and draft["session_minutes"] == 45
    assert draft["mentors_need_approval"] is True
    draft, form = answered(
        "limits",
        {
            "dormant_after_days": "21",
            "dormant_grace_days": "0",
            "capacity.mentor": "40",
            "capacity.mentee": "",
            "capacity.peer": "x",
        },
    )
    assert set(form.errors) == {"dormant_grace_days", "capacity.peer"}
    assert draft["capacity"] == [{"role": "mentor", "most": 40}] and draft["dormant_after_days"] == 21


def test_questions_need_choices_for_a_choice_and_none_otherwise() -> None:
    draft, form = answered(
        "questions",
        {
            "custom_attributes.0.label": "Lab group",
            "custom_attributes.0.kind": "choice",
            "custom_attributes.0.choices": "A\nB",
            "custom_attributes.0.asked": "yes",
            "custom_attributes.1.label": "Faculty",
            "custom_attributes.1.kind": "choice",
            "custom_attributes.2.label": "Grade",
            "custom_attributes.2.kind": "number",
            "custom_attributes.2.choices": "1",
        },
    )
    assert draft["custom_attributes"][0] == {
        "name": "lab_group",
        "label": "Lab group",
        "kind": "choice",
        "choices": ["A", "B"],
        "help": None,
        "asked": True,
    }
    assert set(form.errors) == {"custom_attributes.1.choices", "custom_attributes.2.choices"}


def test_rules_read_values_as_the_attribute_holds_them() -> None:
    draft = blank_program() | {"custom_attributes": [{"name": "course", "label": "Course", "kind": "text"}]}
    read_draft, form = answered(
        "rules",
        {
            "eligibility.0.attribute": "year_of_study",
            "eligibility.0.operator": "range",
            "eligibility.0.minimum": "1",
            "eligibility.0.maximum": "2,5",
            "eligibility.1.attribute": "custom.course",
            "eligibility.1.operator": "one_of",
            "eligibility.1.value": "MATH101; PHYS101",
            "eligibility.1.summary": "Maths or physics",
            "eligibility.2.attribute": "custom.unknown",
            "eligibility.2.operator": "equals",
            "eligibility.2.value": "x",
        },
        draft,
    )
    assert read_draft["eligibility"][0] == {
        "attribute": "year_of_study",
        "operator": "range",
        "summary": None,
        "minimum": 1.0,
        "maximum": 2.5,
        "rule_id": "year-of-study-1",
    }
    assert read_draft["eligibility"][1]["values"] == ["MATH101", "PHYS101"]
    assert read_draft["eligibility"][1]["rule_id"] == "maths-or-physics"
    assert set(form.errors) == {"eligibility.2.attribute"}


def test_a_draft_shows_again_as_the_form_it_came_from() -> None:
    values = {
        "custom_attributes.0.label": "Lab group",
        "custom_attributes.0.kind": "choice",
        "custom_attributes.0.choices": "A\nB",
        "custom_attributes.0.asked": ["yes"],
        "custom_attributes.0.name": "lab_group",
        "custom_attributes.0.help": "",
    }
    draft, _ = answered("questions", values)
    assert values_of("questions", draft, None) == values
    assert rows_shown("questions", values) == 2 and rows_shown("questions", values, more=True) == 3
