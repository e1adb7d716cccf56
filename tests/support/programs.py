"""Programs as their staff create them through profile's API: a join needs one that exists and is open."""

from typing import Any

from tests.support.factories import profile
from tests.support.identity import INSTITUTION, as_

OPEN_DOOR = {
    "setting": "academic",
    "matching_mode": "mentor_mentee",
    "campuses": ["north", "south"],
    "roles_offered": ["mentor", "mentee", "peer"],
}


def program_body(program_id: str = "first-year-stem", **overrides: Any) -> dict[str, Any]:
    """A program that admits every profile tests.support.factories makes (any role, topic and campus there)."""
    return {"program_id": program_id, "name": program_id.replace("-", " ").title(), **OPEN_DOOR, **overrides}


async def create_program(
    client, program_id: str = "first-year-stem", *, institution: str = INSTITUTION, **overrides: Any
) -> dict[str, Any]:
    """Created by an admin of the institution; returns the program as profile shows it."""
    response = await client.post(
        "/programs", json=program_body(program_id, **overrides), headers=as_("profile", "admin", institution=institution)
    )
    assert response.status_code == 201, response.text
    return response.json()


async def create_programs(client, *program_ids: str, institution: str = INSTITUTION) -> None:
    for program_id in program_ids:
        await create_program(client, program_id, institution=institution)


def roster_row(line: int, external_id: str, **overrides: Any) -> dict[str, Any]:
    """A row of a program's roster: a student of tests.support.factories' profile, on the program's own defaults."""
    given = profile(**{"affiliation": "student", "email": f"{external_id}@uni.example.edu", **overrides}).model_dump(mode="json")
    del given["program_id"], given["program_setting"]  # the program's, by default
    return {"line": line, "external_id": external_id, "profile": given}
