"""Scheduling's settings: the shared ones plus its own (see docs/configuration.md)."""

from typing import Self
from urllib.parse import urlsplit

from pydantic import Field, model_validator

from mesh_runtime.components import Components
from mesh_runtime.settings import ServiceSettings

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class SchedulingSettings(ServiceSettings):
    session_missed_after_hours: float = Field(
        default=48.0,
        gt=0,
        description="How long after its end a session "
        "nobody recorded becomes missed (and the pair is asked whether it happened).",
    )
    calendar_base_url: str = Field(
        default="http://127.0.0.1:8003",
        description="Where participants' calendar apps "
        "reach this service: the start of their private feed URLs, which are "
        "credentials, so https (plain http only on this machine's loopback).",
    )

    @model_validator(mode="after")
    def _feed_urls_travel_encrypted(self) -> Self:
        url = urlsplit(self.calendar_base_url)
        if url.scheme != "https" and not (url.scheme == "http" and url.hostname in LOOPBACK):
            raise ValueError(
                f"MESH_CALENDAR_BASE_URL {self.calendar_base_url!r}: a feed URL is a credential, so it "
                "must be https (http only on localhost, for development)"
            )
        return self


def settings_of(components: Components) -> SchedulingSettings:
    """The running service's settings, as scheduling's own (``build_service`` makes them from its
    ``settings_class``)."""
    settings = components.settings
    if not isinstance(settings, SchedulingSettings):
        raise TypeError(f"scheduling runs with SchedulingSettings, not {type(settings).__name__}")
    return settings
