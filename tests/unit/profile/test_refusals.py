"""Profile's refusals, answered once: every one its use cases raise has a status and a kind, and the
answers clients read members from (a join's) say what they said before the table."""

import uuid

import httpx
import pytest
from fastapi import FastAPI

from mesh_profile.adapters.http.refusals import REFUSALS
from mesh_profile.application import errors
from mesh_profile.domain.eligibility import Violation
from mesh_runtime.refusals import install_refusals

MINE = uuid.UUID(int=7)


def test_every_refusal_the_use_cases_raise_is_answered() -> None:
    refusals = {getattr(errors, name) for name in errors.__all__} - {errors.ProfileError}
    assert refusals == set(REFUSALS)
    assert all(400 <= refusal.status < 500 and refusal.kind for refusal in REFUSALS.values())


async def _answer(error: Exception) -> httpx.Response:
    app = FastAPI()
    install_refusals(app, REFUSALS)

    @app.get("/")
    async def refuse() -> None:
        raise error

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        return await client.get("/")


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (errors.NotEligible.of("stem", [Violation("staff-only", "staff only", "affiliation")]), 422),
        (errors.NotEligible.of("stem", [Violation("capacity-mentee", "no mentee places left", "topics.role")]), 409),
    ],
)
async def test_a_join_refused_by_the_rules_names_each_and_only_places_lacking_is_a_conflict(error, status) -> None:
    answer = await _answer(error)
    problem = answer.json()
    assert answer.status_code == status and problem["type"] == "urn:mentoringmesh:problem:not-eligible"
    assert problem["title"] == "Not eligible for this program" and problem["program_id"] == "stem"
    assert [violation["rule_id"] for violation in problem["violations"]] == [error.violations[0].rule_id]


async def test_a_join_stating_a_fact_the_institution_did_not_give_is_not_eligible_naming_the_field() -> None:
    answer = await _answer(errors.NotVouchedOnJoin("affiliation", "affiliation comes from your institution"))
    problem = answer.json()
    assert answer.status_code == 422 and problem["type"] == "urn:mentoringmesh:problem:not-eligible"
    assert problem["violations"] == [
        {
            "rule_id": "institution-facts",
            "attribute": "affiliation",
            "field": "affiliation",
            "message": "affiliation comes from your institution",
            "expected": None,
            "actual": None,
        }
    ]
    changed = await _answer(errors.NotVouched("affiliation", "affiliation comes from your institution; you cannot change it"))
    assert changed.status_code == 403 and changed.json()["detail"].startswith("affiliation")


async def test_a_retried_join_is_told_where_its_participant_is_and_no_one_else_is() -> None:
    retried = await _answer(errors.AlreadyJoined("stem", MINE, yours=True))
    assert retried.status_code == 409 and retried.headers["Location"] == f"/participants/{MINE}"
    assert retried.json()["type"] == "urn:mentoringmesh:problem:already-joined" and retried.json()["participant_id"] == str(MINE)
    someone = await _answer(errors.AlreadyJoined("stem", MINE))
    assert someone.status_code == 409 and "participant_id" not in someone.json() and "Location" not in someone.headers
