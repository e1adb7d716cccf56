"""Matching's own PostgreSQL database: its unit of work, and one module per store."""

from mesh_matching.adapters.postgres.candidates import PostgresCandidates, stored_form, stored_profile
from mesh_matching.adapters.postgres.matches import PostgresMatches, match_from_row
from mesh_matching.adapters.postgres.policies import PostgresPolicies
from mesh_matching.adapters.postgres.unit_of_work import PostgresMatchingUnitOfWork

__all__ = [
    "PostgresCandidates",
    "PostgresMatches",
    "PostgresMatchingUnitOfWork",
    "PostgresPolicies",
    "match_from_row",
    "stored_form",
    "stored_profile",
]
