"""L2 through the matching API: a policy with Infinity or NaN is a 422 problem (it was validated,
then the jsonb write failed: a 500), and no version is stored."""

import pytest


@pytest.mark.parametrize(
    "body", [b'{"weights":{"goals":Infinity}}', b'{"weights":{"goals":NaN,"interests":1}}', b'{"min_overlap_hours":-Infinity}']
)
async def test_l2_put_a_policy_with_infinity_or_nan_is_a_422_problem(matching, body: bytes) -> None:
    _, client = matching
    response = await client.put("/programs/first-year-stem/policy", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "urn:mentoringmesh:problem:invalid-request"
    versions = await client.get("/programs/first-year-stem/policy/versions")
    assert versions.status_code != 200 or versions.json() == []
