"""The startup warm-up compiles what rounds run: after it, rounds of either mode compile nothing.

Run in a fresh interpreter: in this one, earlier tests have compiled the kernels already."""

import json
import subprocess
import sys

ROUNDS_AFTER_WARM_UP = """
import json, uuid
from datetime import UTC, datetime
from mentoring_contracts import ParticipantProfile
from mesh_matching.domain.candidate import Candidate
from mesh_matching.domain.rounds import auction, kernels, potentials
from mesh_matching.domain.rounds.plan import plan_round
from mesh_matching.domain.rounds.warm_up import warm_up
from mesh_matching.domain.scoring import MatchingPolicy

KERNELS = {"best_partners": kernels.best_partners, "assign": auction.assign,
           "shortest_distances": potentials.shortest_distances}

def person(role, campus, zone, start, capacity=0):
    return Candidate(uuid.uuid4(), ParticipantProfile.model_validate({
        "program_id": "p", "program_setting": "community", "campus": campus, "display_name": "X",
        "email": f"x{uuid.uuid4().hex[:8]}@example.org", "topics": [{"topic": "Chess", "role": role}],
        "experiences": ["moved cities"], "goals": ["openings"], "challenges": [], "interests": ["music"],
        "languages": ["en", "de"], "time_zone": zone,
        "weekly_availability": [{"weekday": "tue", "start": start, "end": "21:00"}],
        "meeting_modes": ["online", "in_person"], "mentor_capacity": capacity}))

warm_up()
compiled = {name: len(kernel.signatures) for name, kernel in KERNELS.items()}
week = datetime(2026, 3, 2, tzinfo=UTC)
mentoring = [person("mentor", "north", "Europe/Berlin", "17:00", 2), person("mentee", "north", "Europe/London", "16:00"),
             person("mentee", "south", "Europe/Berlin", "18:30"), person("mentor", "south", "America/New_York", "12:00", 1)]
peers = [person("peer", "north", "Europe/Berlin", "17:00"), person("peer", "north", "Europe/Paris", "18:00"),
         person("peer", "south", "Europe/Berlin", "19:15")]
plans = [plan_round(mentoring, [2, 1, 1, 1], set(), "mentor_mentee", objective, MatchingPolicy(), week)
         for objective in ("score", "coverage")]
plans.append(plan_round(peers, [1, 1, 1], set(), "peer", "score", MatchingPolicy(), week))
print(json.dumps({"after_warm_up": compiled, "pairs": [len(plan.pairs) for plan in plans],
                  "after_rounds": {name: len(kernel.signatures) for name, kernel in KERNELS.items()}}))
"""


def test_after_the_warm_up_rounds_of_either_mode_compile_nothing() -> None:
    run = subprocess.run([sys.executable, "-c", ROUNDS_AFTER_WARM_UP], capture_output=True, text=True, check=False, timeout=300)
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert all(count >= 1 for count in report["after_warm_up"].values()), report
    assert all(pairs >= 1 for pairs in report["pairs"]), report  # the rounds did run their kernels
    assert report["after_rounds"] == report["after_warm_up"]
