"""Coordinator round benchmark: `make bench-matching`.

Prints a readable table and one JSON line per case:
{"mode", "n", "seconds", "peak_mb", "score", "gap", "reference", "reference_seconds"}.
Each case runs in its own process, so peak_mb is that round's peak resident memory (including
the interpreter, libraries and the pool of profiles itself). The round is what the service runs:
features, candidate graph, solve, pricing, stopping once proven within ``ROUND_TOLERANCE`` of the
pool's optimum; its compiled kernel is loaded before the clock starts, as a running service has it.

The reference is exact wherever it fits: scipy's dense linear_sum_assignment for mentor-mentee up to
10,000 people, beyond that the same round driven to proven optimality (pricing until no pair can
improve it), and networkx's max_weight_matching for peers up to 400; else, for peers, the LP
relaxation's bound over the whole pool (priced, not only over the graph). gap = 1 - score / reference;
the table's "proven" column is the gap the round itself certifies against its own bound.
"""

import json
import random
import resource
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime

import numpy as np

from mentoring_contracts import AvailabilitySlot, ParticipantProfile, TopicRole
from mesh_matching.domain.candidate import Candidate
from mesh_matching.domain.rounds.features import build
from mesh_matching.domain.rounds.graph import PairSearch
from mesh_matching.domain.rounds.optimise import best_round
from mesh_matching.domain.rounds.pair_scores import score_block
from mesh_matching.domain.scoring import MatchingPolicy

WEEK = datetime(2026, 1, 5, tzinfo=UTC)
POLICY = MatchingPolicy()
TOPICS = [f"Course {i:02d}" for i in range(40)]
WORDS = [f"w{i}" for i in range(60)]
ZONES = ["Europe/Berlin", "Europe/London", "Europe/Paris", "America/New_York"]
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
CASE_TIMEOUT_SECONDS = 420
CASES = [("mentor_mentee", n) for n in (1_000, 10_000, 50_000, 100_000)] + [
    ("peer", n) for n in (1_000, 10_000, 20_000, 50_000, 100_000)
]


def pool(mode: str, n: int, seed: int = 11) -> list[Candidate]:
    rng = random.Random(seed)
    people = []
    for _ in range(n):
        role = "peer" if mode == "peer" else ("mentor" if rng.random() < 0.34 else "mentee")
        start = rng.choice([16, 17, 18, 19]) * 4 + rng.choice([0, 2])
        slots = tuple(
            AvailabilitySlot.model_construct(weekday=day, start=_time(start), end=_time(start + rng.choice([8, 12, 16])))
            for day in rng.sample(DAYS, 3)
        )
        profile = ParticipantProfile.model_construct(
            program_id="bench",
            program_setting="academic",
            campus=rng.choice(["north", "south", "east", "west"]),
            display_name="x",
            email="x@example.edu",
            topics=[TopicRole.model_construct(topic=t, role=role) for t in rng.sample(TOPICS, 2)],
            experiences=rng.sample(WORDS, 3),
            goals=rng.sample(WORDS, 3),
            challenges=rng.sample(WORDS, 2),
            interests=rng.sample(WORDS, 3),
            languages=["en"] + (["de"] if rng.random() < 0.4 else []),
            time_zone=rng.choice(ZONES),
            weekly_availability=list(slots),
            meeting_modes=rng.choice([["online"], ["online", "in_person"]]),
            preferred_cadence=rng.choice(["weekly", "monthly"]),
            mentor_capacity=rng.randint(1, 3) if role == "mentor" else 0,
        )
        people.append(Candidate(uuid.uuid4(), profile))
    return people


def _time(quarter: int) -> "datetime.time":  # type: ignore[name-defined]
    from datetime import time as wall

    quarter = min(quarter, 24 * 4 - 1)
    return wall(quarter // 4, quarter % 4 * 15)


def run_case(mode: str, n: int) -> dict[str, object]:
    people = pool(mode, n)
    capacity = np.array([c.profile.mentor_capacity for c in people]) if mode == "mentor_mentee" else np.ones(n, dtype=np.int64)
    best_round(PairSearch.of(build(people[:50], WEEK), mode, POLICY), capacity[:50])  # kernel loaded
    started = time.perf_counter()
    features = build(people, WEEK)
    result, graph = best_round(PairSearch.of(features, mode, POLICY), capacity)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    reference, reference_seconds, reference_name = result.upper_bound, None, "upper_bound:lp_relaxation_over_pool"
    if mode == "mentor_mentee" and n <= 10_000:
        reference, reference_seconds = _dense_assignment(features, capacity)
        reference_name = "scipy.linear_sum_assignment"
    elif mode == "mentor_mentee":
        began = time.perf_counter()
        exact, _ = best_round(PairSearch.of(features, mode, POLICY), capacity, tolerance=0.0, passes=100)
        reference, reference_seconds = (
            (exact.total_score, time.perf_counter() - began) if exact.optimal else (exact.upper_bound, None)
        )
        reference_name = "exact:priced_to_proven_optimum" if exact.optimal else "upper_bound:dual_prices"
    elif mode == "peer" and n <= 400:
        reference, reference_seconds = _networkx(features, n)
        reference_name = "networkx.max_weight_matching"
    gap = 0.0 if reference <= 0 else max(0.0, 1 - result.total_score / reference)
    return {
        "mode": mode,
        "n": n,
        "seconds": round(seconds, 2),
        "peak_mb": round(peak_mb),
        "score": result.total_score,
        "gap": round(gap, 6),
        "reference": reference_name,
        "reference_seconds": None if reference_seconds is None else round(reference_seconds, 1),
        "pairs": len(result.pairs),
        "edges": len(graph),
        "proven_gap": round(1 - result.total_score / result.upper_bound, 6) if result.upper_bound > 0 else 0.0,
    }


def _dense_assignment(features, capacity) -> tuple[float, float]:
    from scipy.optimize import linear_sum_assignment

    started = time.perf_counter()
    mentees = np.nonzero(features.mentee_topics.any(axis=1))[0]
    mentors = np.nonzero(capacity > 0)[0]
    dense = np.zeros((len(mentees), len(mentors)))
    step = max(1, 250_000 // max(1, len(mentors)))
    for start in range(0, len(mentees), step):
        block = score_block(features, mentees[start : start + step], mentors, "mentor_mentee", POLICY)
        dense[start : start + step] = np.nan_to_num(block, nan=0.0)
    places = np.repeat(np.arange(len(mentors)), capacity[mentors])
    r, c = linear_sum_assignment(dense[:, places], maximize=True)
    return round(float(dense[:, places][r, c].sum()), 4), time.perf_counter() - started


def _networkx(features, n: int) -> tuple[float, float]:
    import networkx as nx

    started = time.perf_counter()
    index = np.arange(n)
    dense = score_block(features, index, index, "peer", POLICY)
    graph = nx.Graph()
    for i, j in zip(*np.nonzero(~np.isnan(np.triu(dense, 1)) & (np.triu(np.ones_like(dense), 1) > 0)), strict=True):
        graph.add_edge(int(i), int(j), weight=float(dense[i, j]))
    best = nx.max_weight_matching(graph)
    return round(sum(graph[a][b]["weight"] for a, b in best), 4), time.perf_counter() - started


def main() -> None:
    if len(sys.argv) == 3:  # one case, in this process
        print(json.dumps(run_case(sys.argv[1], int(sys.argv[2]))))
        return
    wanted = [c for c in CASES if len(sys.argv) < 2 or str(c[1]) in sys.argv[1].split(",")]
    print(
        f"{'mode':<14}{'n':>8}{'seconds':>9}{'peak MB':>9}{'pairs':>8}{'score':>12}{'gap':>10}{'proven':>10}  reference (seconds)"
    )
    lines = []
    for mode, n in wanted:
        try:
            out = subprocess.run(
                [sys.executable, "-m", "benchmarks.matching_rounds", mode, str(n)],
                capture_output=True,
                text=True,
                check=False,
                timeout=CASE_TIMEOUT_SECONDS,
            )
        except subprocess.TimeoutExpired:
            print(f"{mode:<14}{n:>8}  did not finish within {CASE_TIMEOUT_SECONDS} s", flush=True)
            lines.append(
                {
                    "mode": mode,
                    "n": n,
                    "seconds": None,
                    "peak_mb": None,
                    "score": None,
                    "gap": None,
                    "reference": f"timed out after {CASE_TIMEOUT_SECONDS} s",
                    "reference_seconds": None,
                }
            )
            continue
        if out.returncode != 0:
            print(f"{mode:<14}{n:>8}  failed: {out.stderr.strip().splitlines()[-1] if out.stderr else out.returncode}")
            continue
        row = json.loads(out.stdout.strip().splitlines()[-1])
        lines.append(row)
        print(
            f"{mode:<14}{n:>8}{row['seconds']:>9}{row['peak_mb']:>9}{row['pairs']:>8}{row['score']:>12.2f}"
            f"{row['gap']:>10.4%}{row['proven_gap']:>10.4%}  {row['reference']} ({row['reference_seconds']})",
            flush=True,
        )
    for row in lines:
        print(
            json.dumps({k: row[k] for k in ("mode", "n", "seconds", "peak_mb", "score", "gap", "reference", "reference_seconds")})
        )


if __name__ == "__main__":
    main()
