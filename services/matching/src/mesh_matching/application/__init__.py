"""Use cases of the matching service, one per module; they see ports, never adapters."""
