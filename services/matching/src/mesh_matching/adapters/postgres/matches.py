"""A match as stored: one row of the matches table."""

import asyncpg

from mesh_matching.domain.match import Match, MatchStatus


def match_from_row(row: asyncpg.Record) -> Match:
    return Match(
        match_id=row["match_id"],
        program_id=row["program_id"],
        topic=row["topic"],
        kind=row["kind"],
        participants=(row["participant_a"], row["participant_b"]),
        roles=(row["role_a"], row["role_b"]),
        score=row["score"],
        proposed_at=row["proposed_at"],
        expires_at=row["expires_at"],
        status=MatchStatus(row["status"]),
        accepted_by=frozenset(row["accepted_by"]),
        capacity_reserved=row["capacity_reserved"],
        closing_reason=row["closing_reason"],
        formed_at=row["formed_at"],
        accepted_at=(row["accepted_at_a"], row["accepted_at_b"]),
        declined_by=row["declined_by"],
        closed_at=row["closed_at"],
    )
