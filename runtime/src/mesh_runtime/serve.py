"""Runs a service under uvicorn with a Kubernetes-friendly shutdown.

On SIGTERM readiness turns false first (``drain_delay_seconds``, so load balancers stop sending),
then uvicorn stops accepting, waits up to ``drain_timeout_seconds`` for requests in flight, and
the app's lifespan drains consumers and the outbox relay.
"""

import asyncio
import sys
import time
from types import FrameType

import uvicorn
from fastapi import FastAPI

from mesh_runtime.app import ServiceDefinition, build_service, migrate
from mesh_runtime.logging import configure_logging
from mesh_runtime.settings import ServiceSettings


class _DrainingServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, app: FastAPI, drain_delay: float) -> None:
        super().__init__(config)
        self._app = app
        self._drain_delay = drain_delay
        self._drain_started: float | None = None

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self._drain_started is not None or self._drain_delay <= 0:
            super().handle_exit(sig, frame)
            return
        self._drain_started = time.monotonic()
        components = getattr(self._app.state, "components", None)
        if components is not None:
            components.draining = True

    async def on_tick(self, counter: int) -> bool:
        if self._drain_started is not None and time.monotonic() - self._drain_started >= self._drain_delay:
            self.should_exit = True
        return await super().on_tick(counter)


def main(definition: ServiceDefinition, argv: list[str] | None = None) -> None:
    """``python -m mesh_<service>`` serves; ``... migrate`` applies migrations and exits."""
    args = sys.argv[1:] if argv is None else argv
    settings: ServiceSettings = definition.settings_class()
    if args[:1] == ["migrate"]:
        configure_logging(definition.name, settings.log_level, settings.log_format)
        applied = asyncio.run(migrate(definition, settings))
        print(f"{definition.name}: {len(applied)} migration(s) applied: {', '.join(applied) or 'none'}")
        return
    if args:
        raise SystemExit(f"usage: python -m mesh_{definition.name} [migrate]")
    app = build_service(definition, settings)
    config = uvicorn.Config(
        app,
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        timeout_graceful_shutdown=int(settings.drain_timeout_seconds),
        proxy_headers=True,  # the client's address from X-Forwarded-For, if the peer is trusted:
        forwarded_allow_ips=settings.http_forwarded_allow_ips,
    )
    _DrainingServer(config, app, settings.drain_delay_seconds).run()
