"""Matching's settings: the shared ones plus its own (see docs/configuration.md)."""

from pydantic import Field

from mesh_runtime.components import Components
from mesh_runtime.settings import ServiceSettings


class MatchingSettings(ServiceSettings):
    expiry_sweep_interval_seconds: float = Field(default=60.0, gt=0, description="How often lapsed proposals are expired.")
    dormant_end_margin_minutes: float = Field(
        default=60,
        ge=0,
        description="A dormant pair ends this long after its grace, so that a session recorded "
        "just inside the grace reaches matching first: an end is for good.",
    )

    @classmethod
    def of(cls, components: Components) -> "MatchingSettings":
        """The running matching service's settings."""
        if not isinstance(settings := components.settings, cls):
            raise TypeError(f"matching runs with MatchingSettings, not {type(settings).__name__}")
        return settings
