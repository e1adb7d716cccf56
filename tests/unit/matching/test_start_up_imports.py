"""An idle matching replica holds none of the round kernels' libraries: numpy, numba, llvmlite and scipy
load on the first round or large join (issue 32: idle RSS under 150 MB), unless warm_round_kernels asks.

Run in a fresh interpreter: in this one, earlier tests have loaded them already."""

import json
import os
import subprocess
import sys

HEAVY = ("numpy", "numba", "llvmlite", "scipy")

START_UP = """
import json, sys
HEAVY = {heavy!r}

def loaded():
    return sorted(name for name in sys.modules if name.split(".")[0] in HEAVY)

from mesh_matching.bootstrap import DEFINITION
after_import = loaded()

from mesh_runtime.app import build_service
from mesh_runtime.components import Components
settings = DEFINITION.settings_class()
build_service(DEFINITION, settings)  # what serve does before the lifespan
after_build = loaded()

components = Components("matching", settings, database=None, broker=None, identity=None)  # the lifespan's, unconnected
components.peers = DEFINITION.peers(components)
workers = [type(worker).__name__ for worker in DEFINITION.workers(components)]
print(json.dumps({{"after_import": after_import, "after_build": after_build, "after_workers": loaded(), "workers": workers}}))
"""


def start_up(**environment: str) -> dict:
    settings = {
        "MESH_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/nothing",  # nothing connects before the lifespan
        "MESH_OIDC_ISSUER": "http://127.0.0.1:1/realms/nothing",
        "MESH_LOG_LEVEL": "WARNING",
    }
    run = subprocess.run(
        [sys.executable, "-c", START_UP.format(heavy=HEAVY)],
        env=os.environ | settings | environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_starting_the_service_loads_no_numpy_numba_nor_scipy_and_warms_nothing_up() -> None:
    report = start_up()
    assert report["after_import"] == [], report["after_import"][:10]
    assert report["after_build"] == [], report["after_build"][:10]
    assert report["after_workers"] == [], report["after_workers"][:10]
    assert "KernelWarmUp" not in report["workers"], report["workers"]


def test_a_replica_asked_to_warm_its_kernels_up_runs_the_warm_up_at_start() -> None:
    report = start_up(MESH_WARM_ROUND_KERNELS="true")
    assert "KernelWarmUp" in report["workers"], report["workers"]
    assert report["after_workers"] == []  # the worker loads them when it starts, not when it is built
