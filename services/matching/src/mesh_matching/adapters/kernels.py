"""Startup: the round kernels compiled before the service takes requests."""

import asyncio
import time

import structlog

from mesh_matching.domain.rounds.warm_up import warm_up

log = structlog.get_logger(__name__)


class KernelWarmUp:
    """A worker whose start returns once the kernels are ready: the service answers (and reports
    ready) only then, so no coordinator's round waits for a compiler."""

    async def start(self) -> None:
        started = time.perf_counter()
        await asyncio.to_thread(warm_up)  # compiling holds no event loop
        log.info("round kernels ready", seconds=round(time.perf_counter() - started, 2))

    async def stop(self) -> None:
        return None
