"""Errors raised when a record on the wire does not honour the contracts."""


class ContractError(ValueError):
    """A record cannot be read as a Mentoring Mesh event. Never retried: dead-lettered."""


class MalformedEvent(ContractError):
    """Headers missing or invalid, value not JSON, or data failing the event's schema."""


class UnknownEventType(ContractError):
    """The ``ce_type`` names no event (or no version of it) in the catalogue."""
