"""Every refusal scheduling's use cases declare is answered once, as a 4xx problem with its kind."""

import re

from mesh_scheduling.adapters.http.refusals import REFUSALS
from mesh_scheduling.application import errors
from mesh_scheduling.bootstrap import DEFINITION


def test_every_declared_refusal_has_a_status_and_a_kebab_case_kind() -> None:
    assert set(REFUSALS) == {getattr(errors, name) for name in errors.__all__}
    assert all(400 <= refusal.status < 500 and re.fullmatch(r"[a-z]+(-[a-z]+)*", refusal.kind) for refusal in REFUSALS.values())
    assert DEFINITION.refusals is REFUSALS
