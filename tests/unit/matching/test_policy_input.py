"""L2: a matching policy holds finite numbers only, through the model and through the HTTP layer."""

import math

import httpx
import pytest
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from mesh_matching.adapters.http.policies import Policy
from mesh_runtime.problems import PROBLEM_JSON, validation_error_as_problem


@pytest.mark.parametrize("number", [math.nan, math.inf, -math.inf])
@pytest.mark.parametrize("field", ["weights", "min_overlap_hours", "full_overlap_hours", "max_time_zone_gap_hours"])
def test_l2_a_policy_refuses_nan_and_infinity_in_every_number(field: str, number: float) -> None:
    value = {"goals": number} if field == "weights" else number
    with pytest.raises(ValidationError):
        Policy(**{field: value})


def test_l2_a_nan_weight_does_not_slip_past_the_weights_are_zero_or_more_rule() -> None:
    with pytest.raises(ValidationError, match="finite"):
        Policy(weights={"goals": math.nan, "interests": 1.0})


@pytest.mark.parametrize(
    "body", [b'{"weights":{"goals":Infinity}}', b'{"weights":{"goals":NaN}}', b'{"min_overlap_hours":-Infinity}']
)
async def test_l2_put_policy_with_infinity_is_a_422_problem_not_a_500(body: bytes) -> None:
    app = FastAPI()

    @app.put("/programs/{program_id}/policy")
    async def set_policy(program_id: str, policy: Policy) -> dict:  # the route's body model, without the database
        return policy.model_dump()

    app.add_exception_handler(RequestValidationError, validation_error_as_problem)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://matching") as client:
        response = await client.put("/programs/p/policy", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 422 and response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["errors"][0]["type"] == "finite_number"
