"""What a running service hands its routes, handlers and workers: built once at start-up."""

from dataclasses import dataclass, field
from typing import Any, Protocol

from faststream.kafka import KafkaBroker

from mentoring_contracts import service_source
from mesh_runtime.clock import Clock
from mesh_runtime.db import Database
from mesh_runtime.peers import Peer, ServiceIdentity
from mesh_runtime.settings import ServiceSettings


@dataclass
class Components:
    """What routes, handlers and workers of a running service are given."""

    service: str
    settings: ServiceSettings
    database: Database
    broker: KafkaBroker
    identity: ServiceIdentity
    clock: Clock = field(default_factory=Clock)
    draining: bool = False
    # What the service reads from its peers, built once (``ServiceDefinition.peers``) and handed to
    # every unit of work, so a batch's prefetched reads serve its handlers.
    peers: Any = None

    def peer(self, name: str) -> Peer:
        """Another platform service's API, read as this service (``MESH_<NAME>_API_URL``)."""
        return Peer(name, getattr(self.settings, f"{name}_api_url", None), self.identity)

    @property
    def source(self) -> str:
        """The CloudEvents ``source`` of everything this service emits."""
        return service_source(self.service)


class Worker(Protocol):
    """A background loop a service runs beside its consumers (see ``mesh_runtime.workers``)."""

    async def start(self) -> None: ...
    async def stop(self) -> None: ...
