"""Faults injected into the running platform, one at a time at random moments, each timed until
everything it broke answers again.

- ``sigkill``: the service's process dies at once, mid-whatever; a new one is started.
- ``sigterm``: the service is asked to stop and drains; a new one is started.
- ``kafka``: the broker is stopped (as its operator would) and started again.
- ``postgres``: the database server is stopped (fast: every connection cut), kept down a while (a
  minute in ``make chaos``) and started again.

Kafka and PostgreSQL are restarted only where this project's launcher runs them; with endpoints
from elsewhere those two faults are reported as not injected.
"""

import asyncio
import random
import signal
import time
from dataclasses import dataclass

from benchmarks.platform import Platform
from mesh_local.config import SERVICES
from mesh_local.stack import LocalStack


@dataclass(frozen=True)
class Fault:
    kind: str  # sigkill | sigterm | kafka | postgres
    target: str  # a service, or the broker / database server
    at: float  # seconds into the load


@dataclass
class FaultRecord:
    fault: Fault
    injected_at: float  # seconds into the load, when it really was injected
    recovered_seconds: float | None  # until every part it broke answered again; None: not injected
    note: str = ""

    def summary(self) -> dict[str, object]:
        return {
            "fault": self.fault.kind,
            "target": self.fault.target,
            "at_seconds": round(self.injected_at, 1),
            "recovered_seconds": None if self.recovered_seconds is None else round(self.recovered_seconds, 2),
            **({"note": self.note} if self.note else {}),
        }


def schedule(seconds: float, kills_per_service: int, seed: int) -> list[Fault]:
    """Each service SIGKILLed ``kills_per_service`` times and SIGTERMed once, the broker and the
    database server restarted once each: in a random order, at random moments over ``seconds``."""
    rng = random.Random(seed)
    kinds = [(kind, service) for service in SERVICES for kind in ["sigkill"] * kills_per_service + ["sigterm"]]
    kinds += [("kafka", "broker"), ("postgres", "database")]
    rng.shuffle(kinds)
    moments = sorted(rng.uniform(0.05, 0.9) * seconds for _ in kinds)
    return [Fault(kind, target, at) for (kind, target), at in zip(kinds, moments, strict=True)]


class Injector:
    def __init__(self, platform: Platform, stack: LocalStack | None, database_down_seconds: float = 0.0) -> None:
        self.platform, self.stack, self.database_down_seconds = platform, stack, database_down_seconds

    async def run(self, faults: list[Fault], started: float) -> list[FaultRecord]:
        """Each fault at its moment (or as soon as the one before has recovered)."""
        records = []
        for fault in faults:
            await asyncio.sleep(max(0.0, started + fault.at - time.monotonic()))
            injected = time.monotonic()
            if fault.kind in ("kafka", "postgres") and self.stack is None:
                records.append(
                    FaultRecord(
                        fault,
                        injected - started,
                        None,
                        "not injected: the broker and database are not this launcher's to restart",
                    )
                )
                continue
            note = await getattr(self, fault.kind)(fault.target)
            records.append(FaultRecord(fault, injected - started, time.monotonic() - injected, note))
        return records

    async def sigkill(self, service: str) -> str:
        return await self._restart(service, signal.SIGKILL)

    async def sigterm(self, service: str) -> str:
        return await self._restart(service, signal.SIGTERM)

    async def _restart(self, service: str, sig: signal.Signals) -> str:
        services, signalled = self.platform.services, time.monotonic()
        services.signal(service, sig)
        await asyncio.to_thread(services.wait_gone, service, 90)
        gone = time.monotonic()
        await asyncio.to_thread(self.platform.start, service)
        return f"gone after {gone - signalled:.1f}s"

    async def kafka(self, _: str) -> str:
        assert self.stack is not None
        await asyncio.to_thread(self.stack.kafka.stop)
        await asyncio.to_thread(self.stack.kafka.start)
        await asyncio.to_thread(self.stack.kafka.wait_ready)
        await self._all_ready()
        return ""

    async def postgres(self, _: str) -> str:
        assert self.stack is not None
        await asyncio.to_thread(self.stack.postgres.stop)
        await asyncio.sleep(self.database_down_seconds)  # the load goes on against 503s and waiting consumers
        await asyncio.to_thread(self.stack.postgres.start)
        await self._all_ready()
        return f"down {self.database_down_seconds:.0f}s" if self.database_down_seconds else ""

    async def _all_ready(self) -> None:
        await asyncio.to_thread(self.platform.services.wait_ready, SERVICES, 180)
