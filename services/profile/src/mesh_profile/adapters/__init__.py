"""Adapters of the profile service: PostgreSQL and HTTP."""
