"""Trimmed text: surrounding whitespace is dropped, but the documented length holds as sent."""

import pytest
from pydantic import BaseModel, ValidationError

from mentoring_contracts.events.base import Label, Reason


class Said(BaseModel):
    reason: Reason
    label: Label


def test_whitespace_around_is_dropped_within_the_documented_length() -> None:
    said = Said(reason="  moved to another campus \n", label=" Autumn ")
    assert (said.reason, said.label) == ("moved to another campus", "Autumn")


@pytest.mark.parametrize(("field", "limit"), [("reason", 1000), ("label", 120)])
def test_text_longer_than_documented_is_refused_even_when_trimming_would_make_it_fit(field: str, limit: int) -> None:
    given = {"reason": "r", "label": "l"} | {field: " " * limit + "x"}
    with pytest.raises(ValidationError) as refused:
        Said(**given)
    assert refused.value.errors()[0]["type"] == "string_too_long"
    assert Said(**({"reason": "r", "label": "l"} | {field: " " * (limit - 1) + "x"})).model_dump()[field] == "x"


def test_only_whitespace_is_refused() -> None:
    with pytest.raises(ValidationError):
        Said(reason="   ", label="l")
