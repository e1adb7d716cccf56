"""Use cases of the notify service, one per module; they see ports, never adapters."""
