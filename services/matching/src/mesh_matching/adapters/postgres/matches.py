"""Matches in matching's PostgreSQL database: one row each in ``matches``, and the pairs never to be
proposed again in ``excluded_pairs``."""

import json
from collections.abc import Iterable, Sequence
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
        """One statement for them all, in order; each of a pair's campus as their candidacy has it."""
        if not proposed:
            return
        matches = [match for match, _ in proposed]
        parts_json: dict[tuple[int, ...], str] = {}  # a round's pairs share few sets of parts: each written once
        await self._connection.execute(
            """
            INSERT INTO matches (match_id, program_id, topic, kind, participant_a, participant_b, role_a, role_b,
                                 score, score_parts, reasons, status, proposed_at, expires_at, accepted_by, capacity_reserved,
                                 campuses, participant_reasons, accepted_at_a, accepted_at_b)
            SELECT m.match_id, m.program_id, m.topic, m.kind, m.participant_a, m.participant_b, m.role_a, m.role_b,
                   m.score, m.score_parts::jsonb, m.reasons::jsonb, m.status, m.proposed_at, m.expires_at,
                   ARRAY(SELECT jsonb_array_elements_text(m.accepted_by::jsonb)::uuid), m.capacity_reserved,
                   ARRAY[(SELECT campus FROM candidates WHERE participant_id = m.participant_a),
                         (SELECT campus FROM candidates WHERE participant_id = m.participant_b)],
                   m.participant_reasons::jsonb, m.accepted_at_a, m.accepted_at_b
            FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::uuid[], $6::uuid[], $7::text[], $8::text[],
                        $9::float8[], $10::text[], $11::text[], $12::text[], $13::timestamptz[], $14::timestamptz[],
                        $15::text[], $16::bool[], $17::text[], $18::timestamptz[], $19::timestamptz[])
                WITH ORDINALITY AS m (match_id, program_id, topic, kind, participant_a, participant_b, role_a, role_b,
                                      score, score_parts, reasons, status, proposed_at, expires_at, accepted_by,
                                      capacity_reserved, participant_reasons, accepted_at_a, accepted_at_b, position)
            ORDER BY m.position
            """,
            [match.match_id for match in matches],
            [match.program_id for match in matches],
            [match.topic for match in matches],
            [match.kind for match in matches],
            [match.participants[0] for match in matches],
            [match.participants[1] for match in matches],
            [match.roles[0] for match in matches],
            [match.roles[1] for match in matches],
            [match.score for match in matches],
            [_parts_json(pair, parts_json) for _, pair in proposed],
            [json.dumps(list(pair.reasons)) for _, pair in proposed],
            [match.status.value for match in matches],
            [match.proposed_at for match in matches],
            [match.expires_at for match in matches],
            [json.dumps([str(pid) for pid in sorted(match.accepted_by)]) for match in matches],  # nested arrays: one 2-D array
            [match.capacity_reserved for match in matches],
            [json.dumps(list(pair.participant_reasons)) for _, pair in proposed],
            *map(list, zip(*(_accepted_at(match) for match in matches), strict=True)),
        )
        participants = (pid for match in matches for pid in match.participants)
        if all(match.status is MatchStatus.PROPOSED for match in matches):
            await _now_proposed(self._connection, participants)
        else:
            await refresh_states(self._connection, participants)

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
        if not pairs:
            return
        ordered = [sorted(pair) for pair in pairs]
        await self._connection.execute(
            """
            INSERT INTO excluded_pairs (participant_low, participant_high)
            SELECT low, high FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS pairs (low, high, position) ORDER BY position
            ON CONFLICT DO NOTHING
            """,
            [low for low, _ in ordered],
            [high for _, high in ordered],
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


def _parts_json(pair: PairScore, written: dict[tuple[int, ...], str]) -> str:
    """The parts as JSON, written once per set of part objects (immutable; shared by the pairs scored alike)."""
    key = tuple(map(id, pair.parts))  # the parts stay alive with the pairs for the whole statement
    if (text := written.get(key)) is None:
        text = written[key] = json.dumps([part.model_dump() for part in pair.parts])
    return text


async def _now_proposed(connection: asyncpg.Connection, participant_ids: Iterable[UUID]) -> None:
    """``refresh_states`` after new proposals only: each of their people now has an open proposal,
    so is 'proposed' (``mesh_participant_state``), or 'left' once withdrawn, whatever else they hold.
    Set from that rule for the whole set at once, not derived person by person."""
    ids = sorted(set(participant_ids))
    await connection.execute(
        "SELECT 1 FROM candidates WHERE participant_id = ANY($1::uuid[]) ORDER BY participant_id FOR UPDATE", ids
    )
    await connection.execute(
        """
        UPDATE candidates SET state = CASE WHEN active THEN 'proposed' ELSE 'left' END
        WHERE participant_id = ANY($1::uuid[]) AND state <> CASE WHEN active THEN 'proposed' ELSE 'left' END
        """,
        ids,
    )


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
