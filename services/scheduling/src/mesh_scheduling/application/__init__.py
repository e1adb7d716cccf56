"""Use cases of the scheduling service, one per module; they see ports, never adapters. What they
refuse is declared in ``errors.py``; what those that change sessions share is in ``series.py``."""
