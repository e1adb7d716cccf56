"""What matching's idle replica holds, and what its first round and first large join cost, now that the
round kernels (numpy, numba, scipy) load on first use instead of at start-up (issue 32).

Every figure comes from a fresh interpreter (a child process), as a new replica runs it:

- idle: what ``python -m mesh_matching`` does before serving (import the bootstrap, build the app):
  its RSS, and which of numpy, numba, llvmlite and scipy it loaded (none, by design);
- warmed at start: the same, then the warm-up ``MESH_WARM_ROUND_KERNELS=true`` runs (the old default);
- the first round: ``run_round`` over a small pool (60 demo people, mentors, mentees and peers) on the
  in-memory unit of work, so the time is the planning's, no database's; then a second round, warm;
- the first large join: a mentor whose topic fits 200 waiting mentees joins (past ``LARGE_BLOCK``, the
  kernel ranks them); then a second such join, warm;

the last three with numba's cache absent (a new pod: everything compiled) and present (as after one run).

Prints a readable line and a JSON line per figure. Usage: python -m benchmarks.first_round
"""

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid

HEAVY = ("numpy", "numba", "llvmlite", "scipy")
SETTINGS = {  # enough to build the app; nothing is connected to before the lifespan starts
    "MESH_DATABASE_URL": "postgresql://bench@127.0.0.1:1/bench",
    "MESH_OIDC_ISSUER": "http://127.0.0.1:1/realms/bench",
    "MESH_LOG_LEVEL": "WARNING",
}
ROUND_POOL, JOIN_POOL = 60, 200


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        kb = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
    return round(kb / 1024, 1)


def loaded_heavy() -> list[str]:
    return [name for name in HEAVY if name in sys.modules]


def started() -> dict:
    """The service as ``python -m mesh_matching`` builds it, before its lifespan."""
    begun = time.perf_counter()
    from mesh_matching.bootstrap import DEFINITION
    from mesh_runtime.app import build_service

    build_service(DEFINITION, DEFINITION.settings_class())
    return {"start_s": round(time.perf_counter() - begun, 2), "idle_rss_mb": rss_mb(), "loaded": loaded_heavy()}


async def a_round() -> float:
    from mentoring_contracts import ParticipantProfile
    from mesh_local.cohort import demo_cohort
    from mesh_matching.application.run_round import run_round
    from mesh_matching.domain.candidate import Candidate
    from tests.support.fakes.matching import FakeMatchingUnitOfWork

    uow = FakeMatchingUnitOfWork()
    for data in demo_cohort(ROUND_POOL, seed=5):
        await uow.candidates.add(Candidate(uuid.uuid4(), ParticipantProfile.model_validate(data)))
    begun = time.perf_counter()
    outcome = await run_round(uow, "first-year-stem", None, "score", publish=True)
    seconds = time.perf_counter() - begun
    assert outcome.proposed, "the round proposed nobody: it ran no kernel"
    return seconds


async def a_large_join() -> float:
    from mentoring_contracts import ParticipantProfile
    from mesh_local.cohort import demo_cohort
    from mesh_matching.application.register_candidate import register_candidate
    from mesh_matching.domain.candidate import Candidate
    from mesh_matching.domain.proposal import LARGE_BLOCK
    from tests.support.factories import mentor_profile
    from tests.support.fakes.matching import FakeMatchingUnitOfWork

    uow = FakeMatchingUnitOfWork()
    for data in demo_cohort(JOIN_POOL, seed=11):
        data["topics"] = [{"topic": "Calculus II", "role": "mentee"}]
        await uow.candidates.add(Candidate(uuid.uuid4(), ParticipantProfile.model_validate(data | {"mentor_capacity": 0})))
    mentor = Candidate(uuid.uuid4(), mentor_profile(mentor_capacity=3, languages=["en", "de"]))
    assert len(await uow.candidates.open_partners(mentor)) > LARGE_BLOCK
    begun = time.perf_counter()
    proposed = await register_candidate(uow, mentor)
    seconds = time.perf_counter() - begun
    assert len(proposed) == 3, proposed
    return seconds


def child(kind: str) -> dict:
    figure = started()
    if kind == "warmed":
        begun = time.perf_counter()  # as KernelWarmUp: the import is part of it
        from mesh_matching.domain.rounds.warm_up import warm_up

        warm_up()
        return figure | {"warm_up_s": round(time.perf_counter() - begun, 2), "warmed_rss_mb": rss_mb()}
    if kind == "idle":
        return figure
    timed = a_round if kind == "round" else a_large_join
    first = asyncio.run(timed())
    after_first = rss_mb()
    second = asyncio.run(timed())
    return figure | {"first_s": round(first, 3), "warm_s": round(second, 3), "rss_after_mb": after_first}


def run_child(kind: str, cache: str) -> dict:
    environment = os.environ | SETTINGS | {"NUMBA_CACHE_DIR": cache}
    run = subprocess.run(
        [sys.executable, "-m", "benchmarks.first_round", "--child", kind],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    if run.returncode != 0:
        raise RuntimeError(f"{kind}: {run.stderr[-2000:]}")
    return json.loads(run.stdout.strip().splitlines()[-1])


def measure() -> list[dict]:
    figures = []
    with tempfile.TemporaryDirectory() as round_cache, tempfile.TemporaryDirectory() as join_cache:
        idle = run_child("idle", round_cache)
        figures.append({"figure": "idle", **idle})
        for kind, cache in (("round", round_cache), ("join", join_cache)):
            for state in ("absent", "present"):  # the first run fills the cache the second finds
                figures.append({"figure": f"first {kind}", "numba_cache": state, **run_child(kind, cache)})
        figures.append({"figure": "warmed at start", **run_child("warmed", round_cache)})
    return figures


def readable(figure: dict) -> str:
    loaded = ", ".join(figure["loaded"]) or "none"
    if figure["figure"] == "idle":
        return f"idle replica (import + build the app, {figure['start_s']} s): RSS {figure['idle_rss_mb']} MB; loaded of {'/'.join(HEAVY)}: {loaded}"
    if figure["figure"] == "warmed at start":
        return (
            f"warmed at start (MESH_WARM_ROUND_KERNELS=true, cache present): warm-up {figure['warm_up_s']} s, "
            f"RSS {figure['warmed_rss_mb']} MB"
        )
    what = f"round over {ROUND_POOL}" if figure["figure"] == "first round" else f"large join (pool {JOIN_POOL})"
    return (
        f"first {what}, numba cache {figure['numba_cache']}: {figure['first_s']} s cold, {figure['warm_s']} s warm; "
        f"RSS {figure['idle_rss_mb']} MB idle, {figure['rss_after_mb']} MB after"
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(child(sys.argv[2])))
        sys.exit(0)
    results = measure()
    for result in results:
        print(readable(result))
    for result in results:
        print(json.dumps({"benchmark": "first_round", **result}))
