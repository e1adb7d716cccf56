"""Scheduling's request bodies through the API: an unbounded expectation (L10) and a move to the
end of time (an OverflowError, a 500) are 422 problems, refused before anything is looked up."""

import uuid

import pytest

PROBLEM = "application/problem+json"


async def test_l10_an_expectation_over_500_characters_is_a_422_problem(scheduling) -> None:
    _, client = scheduling
    proposal = {
        "participant_id": str(uuid.uuid4()),
        "goals": [{"description": "pass the final"}],
        "cadence": "weekly",
        "meeting_mode": "online",
        "expectations": ["come prepared", "x" * 100_000],
    }
    response = await client.post(f"/matches/{uuid.uuid4()}/agreements", json=proposal)
    assert response.status_code == 422 and response.headers["content-type"] == PROBLEM
    assert response.json()["errors"][0]["location"] == "body.expectations.1"


@pytest.mark.parametrize("starts_at", ["9999-12-31T23:30:00Z", "9999-12-31T23:59:00-14:00", "0001-01-01T00:00:00+14:00"])
async def test_time_a_move_to_the_end_of_time_is_a_422_problem(scheduling, starts_at: str) -> None:
    _, client = scheduling
    response = await client.post(
        f"/sessions/{uuid.uuid4()}/reschedule", json={"participant_id": str(uuid.uuid4()), "starts_at": starts_at}
    )
    assert response.status_code == 422 and response.headers["content-type"] == PROBLEM
    assert response.json()["errors"][0]["location"] == "body.starts_at"
