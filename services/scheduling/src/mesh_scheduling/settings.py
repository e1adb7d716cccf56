"""Scheduling's settings: the shared ones plus its own (see docs/configuration.md)."""

from pydantic import Field

from mesh_runtime.settings import ServiceSettings


class SchedulingSettings(ServiceSettings):
    session_missed_after_hours: float = Field(default=48.0, gt=0, description="How long after its end a session "
                                              "nobody recorded becomes missed (and the pair is asked whether it happened).")
    calendar_base_url: str = Field(default="http://127.0.0.1:8003", description="Where participants' calendar apps "
                                   "reach this service: the start of their private feed URLs.")
