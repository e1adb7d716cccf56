"""Matches in matching's PostgreSQL database: one row each in ``matches``, and the pairs never to be
proposed again in ``excluded_pairs``."""

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

import asyncpg

from mesh_matching.adapters.postgres.hand_pairings import PostgresHandPairings
from mesh_matching.adapters.postgres.participant_states import refresh_states
from mesh_matching.domain.match import Match, MatchStatus
from mesh_matching.domain.scoring import PairScore


class PostgresMatches:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def add(self, match: Match, pair: PairScore) -> None:
        await self.add_many([(match, pair)])

    async def add_many(self, proposed: Sequence[tuple[Match, PairScore]]) -> None:
        await self._connection.executemany(
            """
            INSERT INTO matches (match_id, program_id, topic, kind, participant_a, participant_b, role_a, role_b,
                                 score, score_parts, reasons, status, proposed_at, expires_at, accepted_by, capacity_reserved,
                                 campuses, participant_reasons, accepted_at_a, accepted_at_b)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
                    ARRAY[(SELECT campus FROM candidates WHERE participant_id = $5),
                          (SELECT campus FROM candidates WHERE participant_id = $6)], $17, $18, $19)
            """,
            [
                (
                    match.match_id,
                    match.program_id,
                    match.topic,
                    match.kind,
                    *match.participants,
                    *match.roles,
                    match.score,
                    [part.model_dump() for part in pair.parts],
                    list(pair.reasons),
                    match.status.value,
                    match.proposed_at,
                    match.expires_at,
                    sorted(match.accepted_by),
                    match.capacity_reserved,
                    list(pair.participant_reasons),
                    *_accepted_at(match),
                )
                for match, pair in proposed
            ],
        )
        await refresh_states(self._connection, (pid for match, _ in proposed for pid in match.participants))

    async def get_for_update(self, match_id: UUID) -> Match | None:
        row = await self._connection.fetchrow("SELECT * FROM matches WHERE match_id = $1 FOR UPDATE", match_id)
        return match_from_row(row) if row else None

    async def save(self, match: Match) -> None:
        await self._connection.execute(
            """
            UPDATE matches SET status = $2, accepted_by = $3, closing_reason = $4, formed_at = $5, updated_at = now(),
                               accepted_at_a = $6, accepted_at_b = $7, declined_by = $8, closed_at = $9
            WHERE match_id = $1
            """,
            match.match_id,
            match.status.value,
            sorted(match.accepted_by),
            match.closing_reason,
            match.formed_at,
            *match.accepted_at,
            match.declined_by,
            match.closed_at,
        )
        await refresh_states(self._connection, match.participants)

    async def open_past_expiry(self, program_id: str, now: datetime, limit: int) -> Sequence[Match]:
        rows = await self._connection.fetch(
            """
            SELECT * FROM matches WHERE program_id = $3 AND status = 'proposed' AND expires_at <= $1
            ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED
            """,
            now,
            limit,
            program_id,
        )
        return [match_from_row(row) for row in rows]

    async def open_for(self, participant_id: UUID) -> Sequence[Match]:
        rows = await self._connection.fetch(
            """
            SELECT * FROM matches WHERE (participant_a = $1 OR participant_b = $1) AND status IN ('proposed', 'accepted')
            ORDER BY proposed_at FOR UPDATE
            """,
            participant_id,
        )
        return [match_from_row(row) for row in rows]

    async def open_in_program(self, program_id: str) -> Sequence[Match]:
        rows = await self._connection.fetch(
            """
            SELECT * FROM matches WHERE program_id = $1 AND status IN ('proposed', 'accepted')
            ORDER BY proposed_at FOR UPDATE
            """,
            program_id,
        )
        return [match_from_row(row) for row in rows]

    async def pair_excluded(self, a: UUID, b: UUID) -> bool:
        low, high = sorted((a, b))
        return bool(
            await self._connection.fetchval(
                "SELECT true FROM excluded_pairs WHERE participant_low = $1 AND participant_high = $2", low, high
            )
        )

    async def exclude_pair(self, a: UUID, b: UUID) -> None:
        await self.exclude_pairs([(a, b)])

    async def exclude_pairs(self, pairs: Sequence[tuple[UUID, UUID]]) -> None:
        await self._connection.executemany(
            "INSERT INTO excluded_pairs VALUES ($1, $2) ON CONFLICT DO NOTHING", [tuple(sorted(pair)) for pair in pairs]
        )

    async def redact_reasons(self, participant_id: UUID) -> int:
        status = await self._connection.execute(
            """
            UPDATE matches SET reasons = '[]', participant_reasons = '[]', closing_reason = NULL
            WHERE (participant_a = $1 OR participant_b = $1)
              AND (reasons <> '[]' OR participant_reasons <> '[]' OR closing_reason IS NOT NULL)
            """,
            participant_id,
        )
        return int(status.split()[-1]) + await PostgresHandPairings(self._connection).forget_words(participant_id)

    async def excluded_partners(self, participant_id: UUID) -> set[UUID]:
        rows = await self._connection.fetch(
            """
            SELECT participant_high AS other FROM excluded_pairs WHERE participant_low = $1
            UNION ALL SELECT participant_low FROM excluded_pairs WHERE participant_high = $1
            """,
            participant_id,
        )
        return {row["other"] for row in rows}

    async def excluded_partners_of(self, participant_ids: Sequence[UUID]) -> dict[UUID, set[UUID]]:
        rows = await self._connection.fetch(
            """
            SELECT participant_low AS who, participant_high AS other FROM excluded_pairs WHERE participant_low = ANY($1::uuid[])
            UNION ALL
            SELECT participant_high, participant_low FROM excluded_pairs WHERE participant_high = ANY($1::uuid[])
            """,
            list(participant_ids),
        )
        excluded: dict[UUID, set[UUID]] = {}
        for row in rows:
            excluded.setdefault(row["who"], set()).add(row["other"])
        return excluded

    async def program_of(self, match_id: UUID) -> str | None:
        return await self._connection.fetchval("SELECT program_id FROM matches WHERE match_id = $1", match_id)

    async def excluded_among(self, participant_ids: Sequence[UUID]) -> set[tuple[UUID, UUID]]:
        rows = await self._connection.fetch(
            """
            SELECT participant_low, participant_high FROM excluded_pairs
            WHERE participant_low = ANY($1::uuid[]) AND participant_high = ANY($1::uuid[])
            """,
            list(participant_ids),
        )
        return {(row["participant_low"], row["participant_high"]) for row in rows}


def _accepted_at(match: Match) -> tuple[datetime | None, datetime | None]:
    """When each of a new proposal's pair accepted: whoever it names as accepted already (a request's
    asker) did so by asking, when it was proposed."""
    first, second = (
        at or (match.proposed_at if pid in match.accepted_by else None)
        for pid, at in zip(match.participants, match.accepted_at, strict=True)
    )
    return first, second


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


async def programs_with_lapsed_proposals(connection: asyncpg.Connection, now: datetime) -> Sequence[asyncpg.Record]:
    """Across institutions (``ALL_TENANTS``): each program with a proposal past its expiry, and its institution."""
    return await connection.fetch(
        "SELECT DISTINCT institution, program_id FROM matches WHERE status = 'proposed' AND expires_at <= $1", now
    )
