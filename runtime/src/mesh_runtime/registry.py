"""The platform's one list of services: each service package registers its ``ServiceDefinition`` as an
entry point, and the launcher, the tests, the tools and the deploy generators read them from here.

A service registers in its own ``pyproject.toml`` (then ``uv sync`` installs the entry point)::

    [project.entry-points."mentoring_mesh.services"]
    1-profile = "mesh_profile.bootstrap:DEFINITION"

The name is ``<place>-<service>``: the place fixes the services' order everywhere (the local launcher
gives the first port 18001, the second 18002, ...); a new service takes the next free place. Only what
is installed is registered: a service's own image holds only itself, so no service reads this at run
time; it is for the tools around the platform.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.metadata import EntryPoint, entry_points
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the names alone must not import a service (nor FastAPI)
    from mesh_runtime.app import ServiceDefinition

GROUP = "mentoring_mesh.services"


class RegistryError(Exception):
    """The installed services' entry points do not make one ordered list."""


@dataclass(frozen=True)
class RegisteredService:
    place: int
    name: str
    entry_point: EntryPoint

    def definition(self) -> ServiceDefinition:
        """Imports the service (its whole bootstrap): only where the definition itself is needed."""
        definition = self.entry_point.load()
        if definition.name != self.name:
            raise RegistryError(f"entry point {self.entry_point.name!r} loads the service named {definition.name!r}")
        return definition


def _parsed(entry_point: EntryPoint) -> RegisteredService:
    place, _, name = entry_point.name.partition("-")
    if not place.isdigit() or not name:
        raise RegistryError(f"entry point {entry_point.name!r} of {GROUP} is not named <place>-<service>, e.g. 1-profile")
    return RegisteredService(int(place), name, entry_point)


@cache
def registered() -> tuple[RegisteredService, ...]:
    """Every installed service, in the order of their places."""
    services = sorted((_parsed(entry_point) for entry_point in entry_points(group=GROUP)), key=lambda s: s.place)
    for key in ("place", "name"):
        values = [getattr(service, key) for service in services]
        if len(set(values)) != len(values):
            raise RegistryError(f"two services share a {key}: {', '.join(s.entry_point.name for s in services)}")
    return tuple(services)


def service_names() -> tuple[str, ...]:
    """The services' names in their fixed order, without importing any of them."""
    return tuple(service.name for service in registered())


@cache
def service_definitions() -> tuple[ServiceDefinition, ...]:
    """The services' definitions in their fixed order (imports every service: seconds, not milliseconds)."""
    return tuple(service.definition() for service in registered())


def service_definition(name: str) -> ServiceDefinition:
    """One service's definition, importing only that service."""
    for service in registered():
        if service.name == name:
            return service.definition()
    raise RegistryError(f"no service named {name!r} is installed (registered: {', '.join(service_names())})")
