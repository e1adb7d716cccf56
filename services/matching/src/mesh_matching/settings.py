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
    warm_round_kernels: bool = Field(
        default=False,
        description="Load (or, with no numba cache, compile) the round kernels before the service reports "
        "ready, so the first round or large join waits for none of it; off, they load on first use and an "
        "idle replica holds no numpy, numba nor scipy (about 160 MB less).",
    )

    @classmethod
    def of(cls, components: Components) -> "MatchingSettings":
        """The running matching service's settings."""
        if not isinstance(settings := components.settings, cls):
            raise TypeError(f"matching runs with MatchingSettings, not {type(settings).__name__}")
        return settings
