"""Use cases of the profile service, one per module; they see ports, never adapters."""
