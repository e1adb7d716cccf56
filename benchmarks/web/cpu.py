"""Where the CPU went while a page was timed: each part of the bench's stack (found by its pid file, with
every process under it: PostgreSQL's backends, Keycloak's JVM), this load driver, and everything else
on the machine (other work beside the benchmark), from /proc. Linux only; elsewhere, nothing."""

import os
from pathlib import Path

from mesh_local.config import SERVICES, LocalConfig

TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _pid_files(config: LocalConfig) -> dict[str, Path]:
    state = config.state_dir
    return {
        **{name: state / "services" / f"{name}.pid" for name in ("web", *SERVICES)},
        "postgres": state / "postgres" / "data" / "postmaster.pid",
        "kafka": state / "kafka" / "kafka.pid",
        "keycloak": state / "keycloak" / "keycloak.pid",
    }


def sample(config: LocalConfig) -> dict[str, float]:
    """CPU seconds so far of each part (exited children included, as their parent reaped them), of this
    process, and the machine's busy and total seconds (all cores)."""
    if not Path("/proc/stat").exists():
        return {}
    roots: dict[int, str] = {}
    for name, path in _pid_files(config).items():
        try:
            roots[int(path.read_text().split()[0])] = name
        except (OSError, ValueError, IndexError):
            continue
    roots[os.getpid()] = "driver"
    parent, spent = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parent[int(entry)] = int(fields[1])
        spent[int(entry)] = sum(int(value) for value in fields[11:15]) / TICK  # utime stime cutime cstime
    seconds: dict[str, float] = {}
    for pid, used in spent.items():
        walk, seen = pid, 0
        while walk not in roots and walk in parent and seen < 50:
            walk, seen = parent[walk], seen + 1
        if walk in roots:
            seconds[roots[walk]] = seconds.get(roots[walk], 0.0) + used
    times = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    seconds["machine_total"] = sum(times) / TICK
    seconds["machine_busy"] = (sum(times) - times[3] - times[4]) / TICK  # less idle and iowait
    return seconds


def per_request(before: dict[str, float], after: dict[str, float], requests: int) -> dict[str, float]:
    """CPU ms per request of each part, the rest of the machine's as ``other work``, and ``busy`` (0-1)."""
    if not before or not after:
        return {}
    parts = {
        name: (after.get(name, 0.0) - before.get(name, 0.0)) * 1000 / requests
        for name in after
        if not name.startswith("machine_")
    }
    busy = after["machine_busy"] - before["machine_busy"]
    total = after["machine_total"] - before["machine_total"]
    ours = sum(parts.values())
    shown = {name: round(ms, 1) for name, ms in sorted(parts.items(), key=lambda item: -item[1]) if ms >= 0.5}
    return shown | {
        "other work": round(max(0.0, busy * 1000 / requests - ours), 1),
        "busy": round(busy / total, 2) if total else 0.0,
    }
