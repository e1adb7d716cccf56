"""Use cases of the scheduling service, one per module; they see ports, never adapters."""
