"""Scheduling's use cases on an in-memory unit of work."""
