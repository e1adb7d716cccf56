"""The demo program and its roster, as Northbridge's admin sets them up: the demo journey and the web
benchmark load their data through these, the way an institution would."""

import asyncio
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from mesh_local.cohort import TOPICS, write_roster
from mesh_local.config import LocalConfig
from mesh_local.steps import JourneyError


def program_body(program_id: str, name: str = "First-year STEM peer mentoring") -> dict[str, Any]:
    """The demo program: both campuses, every role, both ways of pairing, students of Northbridge only."""
    return {
        "program_id": program_id,
        "name": name,
        "setting": "academic",
        "campuses": ["north", "south"],
        "matching_mode": "mentor_mentee",
        "matchmaking": "both",
        "roles_offered": ["mentor", "mentee", "peer"],
        "topics": list(TOPICS),
        "default_cadence": "weekly",
        "session_minutes": 60,
        "eligibility": [
            {
                "rule_id": "students",
                "attribute": "affiliation",
                "operator": "equals",
                "value": "student",
                "summary": "students of Northbridge",
            }
        ],
    }


async def import_roster(
    config: LocalConfig, admin: str, program_id: str, cohort: list[dict[str, Any]], usernames: list[str]
) -> str:
    """The cohort as a term-start roster, imported with ``mesh-roster`` as the admin; returns what it printed."""
    with tempfile.TemporaryDirectory(prefix="mesh-roster-") as folder:
        path = Path(folder) / "roster.csv"
        write_roster(path, cohort, usernames)
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "mesh_roster.cli",
            "import",
            str(path),
            "--program",
            program_id,
            "--url",
            config.service_url("profile"),
            env=os.environ | {"MESH_TOKEN": admin},
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        stdout, stderr = await process.communicate()
    if process.returncode != 0:
        raise JourneyError(f"the roster import failed ({process.returncode}): {stdout.decode()} {stderr.decode()}")
    return stdout.decode().strip()
