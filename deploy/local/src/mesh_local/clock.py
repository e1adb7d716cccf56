"""The platform's clock, as the local launcher moves it: one offset file every service reads."""

import re
from datetime import timedelta

from mesh_local.config import LocalConfig
from mesh_runtime.clock import Clock, InvalidClockOffset

_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def parse_duration(text: str) -> timedelta:
    """``90m``, ``36h``, ``2d`` (or ``1.5d``)."""
    found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([mhd])\s*", text)
    if not found:
        raise InvalidClockOffset(f"a duration is a number and a unit (m, h or d), like 36h or 2d, not {text!r}")
    return timedelta(**{_UNITS[found.group(2)]: float(found.group(1))})


def describe_clock(config: LocalConfig) -> str:
    clock = Clock(config.clock_offset_file)
    return (
        f"the services' clock reads {clock.now().isoformat(timespec='seconds')}, "
        f"{clock.offset()} ahead of this machine's ({config.clock_offset_file})"
    )
