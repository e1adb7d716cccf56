"""Matching's settings: the shared ones plus its own (see docs/configuration.md)."""

from pydantic import Field

from mesh_runtime.settings import ServiceSettings


class MatchingSettings(ServiceSettings):
    expiry_sweep_interval_seconds: float = Field(default=60.0, gt=0, description="How often lapsed proposals are expired.")
