"""Candidates and matches in the matching service's own PostgreSQL database."""

import dataclasses
from collections.abc import Sequence
from datetime import datetime, time
from uuid import UUID

import asyncpg

from mentoring_contracts import AvailabilitySlot, ParticipantProfile, ScorePart, TopicRole
from mesh_matching.domain.candidate import Candidate
from mesh_matching.domain.match import Match, MatchStatus
from mesh_matching.domain.scoring import MatchingPolicy
from mesh_runtime.db import Cause, Transaction, UnitOfWork


class _PlacesChanged(Exception):
    """Rolls the savepoint of ``reserve_all`` back."""


class PostgresCandidates:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def add(self, candidate: Candidate) -> bool:
        inserted = await self._connection.fetchval(
            """
            INSERT INTO candidates (participant_id, program_id, profile, capacity, subject, slots)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (participant_id) DO NOTHING RETURNING true
            """,
            candidate.participant_id,
            candidate.program_id,
            candidate.profile.model_dump(mode="json"),
            candidate.capacity,
            candidate.subject,
            candidate.slots(),
        )
        return bool(inserted)

    async def get(self, participant_id: UUID) -> Candidate | None:
        row = await self._connection.fetchrow(
            "SELECT participant_id, profile, subject FROM candidates WHERE participant_id = $1", participant_id)
        return _candidate(row) if row else None

    async def open_partners(self, candidate: Candidate) -> Sequence[Candidate]:
        # The GIN index of open places: only people who offer what this one needs are read, in
        # join order (the tie-break), whatever the size of the pool.
        # Only the open places under the keys this one needs (open_slots' primary key), then rows
        # whose keys are not filled in yet (their own small index): never the rest of the pool.
        rows = await self._connection.fetch(
            """
            SELECT participant_id, profile, subject, joined_seq FROM candidates
            WHERE participant_id IN (SELECT participant_id FROM open_slots WHERE slot = ANY($2::text[]))
              AND participant_id <> $3
            UNION ALL
            SELECT participant_id, profile, subject, joined_seq FROM candidates
            WHERE slots IS NULL AND program_id = $1 AND active AND used < capacity AND participant_id <> $3
            ORDER BY joined_seq
            """,
            candidate.program_id, candidate.wanted_slots(), candidate.participant_id,
        )
        return [_candidate(row) for row in rows]

    async def fill_in_slots(self, limit: int = 1000) -> int:
        rows = await self._connection.fetch(
            "SELECT participant_id, profile FROM candidates WHERE slots IS NULL LIMIT $1 FOR UPDATE SKIP LOCKED", limit)
        for row in rows:
            await self._connection.execute("UPDATE candidates SET slots = $2 WHERE participant_id = $1",
                                           row["participant_id"], _candidate(row).slots())
        return len(rows)

    async def reserve(self, participant_id: UUID) -> bool:
        # The row lock taken by UPDATE serialises concurrent reservations of one participant.
        reserved = await self._connection.fetchval(
            "UPDATE candidates SET used = used + 1 WHERE participant_id = $1 AND used < capacity AND active RETURNING true",
            participant_id,
        )
        return bool(reserved)

    async def reserve_all(self, places: dict[UUID, int]) -> bool:
        """Every one of these places at once, or none (False): one statement for a whole round."""
        ids, counts = list(places), list(places.values())
        try:
            async with self._connection.transaction():  # a savepoint: all or nothing
                taken = await self._connection.fetchval(
                    """
                    WITH wanted AS (SELECT unnest($1::uuid[]) AS id, unnest($2::int[]) AS n),
                         taken AS (UPDATE candidates c SET used = used + w.n FROM wanted w
                                   WHERE c.participant_id = w.id AND c.active AND c.used + w.n <= c.capacity
                                   RETURNING 1)
                    SELECT count(*) FROM taken
                    """, ids, counts)
                if taken != len(ids):
                    raise _PlacesChanged
        except _PlacesChanged:
            return False
        return True

    async def release(self, participant_id: UUID) -> None:
        await self._connection.execute(
            "UPDATE candidates SET used = used - 1 WHERE participant_id = $1 AND used > 0", participant_id
        )


    async def update_profile(self, candidate: Candidate) -> None:
        await self._connection.execute(
            """
            UPDATE candidates SET profile = $2, capacity = GREATEST($3, used), subject = coalesce($4, subject), slots = $5
            WHERE participant_id = $1
            """,
            candidate.participant_id, candidate.profile.model_dump(mode="json"), candidate.capacity, candidate.subject,
            candidate.slots(),
        )

    async def round_pool(self, program_id: str) -> Sequence[tuple[Candidate, int]]:
        rows = await self._connection.fetch(
            """
            SELECT participant_id, profile, capacity - used AS room FROM candidates
            WHERE program_id = $1 AND active AND used < capacity ORDER BY joined_seq
            """,
            program_id,
        )
        return [(_candidate(row), row["room"]) for row in rows]

    async def room(self, participant_id: UUID) -> int:
        return await self._connection.fetchval(
            "SELECT CASE WHEN active THEN capacity - used ELSE 0 END FROM candidates WHERE participant_id = $1",
            participant_id) or 0

    async def has_room(self, participant_id: UUID) -> bool:
        return bool(await self._connection.fetchval(
            "SELECT active AND used < capacity FROM candidates WHERE participant_id = $1", participant_id))

    async def anonymise(self, participant_id: UUID) -> bool:
        return await self._connection.execute(
            """
            UPDATE candidates SET subject = NULL, profile = profile || jsonb_build_object(
                'display_name', 'Erased participant', 'email', 'erased-' || replace(participant_id::text, '-', '') || '@erased.example.org',
                'experiences', '[]'::jsonb, 'goals', '[]'::jsonb, 'challenges', '[]'::jsonb, 'interests', '[]'::jsonb)
            WHERE participant_id = $1
            """, participant_id) == "UPDATE 1"

    async def withdraw(self, participant_id: UUID) -> None:
        await self._connection.execute("UPDATE candidates SET active = false WHERE participant_id = $1", participant_id)


def _candidate(row: asyncpg.Record) -> Candidate:
    return Candidate(row["participant_id"], stored_profile(row["profile"]), row["subject"] if "subject" in row else None)


def stored_profile(data: dict) -> ParticipantProfile:
    """A profile as this service stored it, validated when it came in: read back without validating
    again (checking the address alone costs more than scoring the pair)."""
    return ParticipantProfile.model_construct(**{
        **data,
        "topics": [TopicRole.model_construct(**topic) for topic in data["topics"]],
        "weekly_availability": [AvailabilitySlot.model_construct(weekday=slot["weekday"], start=time.fromisoformat(slot["start"]),
                                                                 end=time.fromisoformat(slot["end"]))
                                for slot in data["weekly_availability"]],
    })


class PostgresMatches:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def add(self, match: Match, parts: Sequence[ScorePart], reasons: Sequence[str]) -> None:
        await self.add_many([(match, parts, reasons)])

    async def add_many(self, proposed: Sequence[tuple[Match, Sequence[ScorePart], Sequence[str]]]) -> None:
        await self._connection.executemany(
            """
            INSERT INTO matches (match_id, program_id, topic, kind, participant_a, participant_b, role_a, role_b,
                                 score, score_parts, reasons, status, proposed_at, expires_at, accepted_by, capacity_reserved,
                                 campuses)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
                    ARRAY[(SELECT campus FROM candidates WHERE participant_id = $5),
                          (SELECT campus FROM candidates WHERE participant_id = $6)])
            """,
            [(match.match_id, match.program_id, match.topic, match.kind, *match.participants, *match.roles,
              match.score, [part.model_dump() for part in parts], list(reasons), match.status.value,
              match.proposed_at, match.expires_at, sorted(match.accepted_by), match.capacity_reserved)
             for match, parts, reasons in proposed],
        )

    async def get_for_update(self, match_id: UUID) -> Match | None:
        row = await self._connection.fetchrow("SELECT * FROM matches WHERE match_id = $1 FOR UPDATE", match_id)
        return match_from_row(row) if row else None

    async def save(self, match: Match) -> None:
        await self._connection.execute(
            """
            UPDATE matches SET status = $2, accepted_by = $3, closing_reason = $4, updated_at = now()
            WHERE match_id = $1
            """,
            match.match_id, match.status.value, sorted(match.accepted_by), match.closing_reason,
        )

    async def open_past_expiry(self, program_id: str, now: datetime, limit: int) -> Sequence[Match]:
        rows = await self._connection.fetch(
            """
            SELECT * FROM matches WHERE program_id = $3 AND status = 'proposed' AND expires_at <= $1
            ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED
            """,
            now, limit, program_id,
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

    async def pair_excluded(self, a: UUID, b: UUID) -> bool:
        low, high = sorted((a, b))
        return bool(await self._connection.fetchval(
            "SELECT true FROM excluded_pairs WHERE participant_low = $1 AND participant_high = $2", low, high
        ))

    async def exclude_pair(self, a: UUID, b: UUID) -> None:
        await self.exclude_pairs([(a, b)])

    async def exclude_pairs(self, pairs: Sequence[tuple[UUID, UUID]]) -> None:
        await self._connection.executemany(
            "INSERT INTO excluded_pairs VALUES ($1, $2) ON CONFLICT DO NOTHING", [tuple(sorted(pair)) for pair in pairs])


    async def redact_reasons(self, participant_id: UUID) -> int:
        status = await self._connection.execute(
            """
            UPDATE matches SET reasons = '[]', closing_reason = NULL
            WHERE (participant_a = $1 OR participant_b = $1) AND (reasons <> '[]' OR closing_reason IS NOT NULL)
            """,
            participant_id)
        return int(status.split()[-1])

    async def excluded_partners(self, participant_id: UUID) -> set[UUID]:
        rows = await self._connection.fetch(
            """
            SELECT participant_high AS other FROM excluded_pairs WHERE participant_low = $1
            UNION ALL SELECT participant_low FROM excluded_pairs WHERE participant_high = $1
            """, participant_id)
        return {row["other"] for row in rows}

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
    )


class PostgresPolicies:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def current(self, program_id: str) -> tuple[int, MatchingPolicy]:
        row = await self._connection.fetchrow(
            "SELECT version, policy FROM program_policies WHERE program_id = $1 ORDER BY version DESC LIMIT 1", program_id)
        return (row["version"], MatchingPolicy(**row["policy"])) if row else (0, MatchingPolicy())

    async def set(self, program_id: str, policy: MatchingPolicy) -> int:
        # Serialised per program by the advisory lock: two coordinators never write the same version.
        await self._connection.execute("SELECT pg_advisory_xact_lock(hashtext($1))", program_id)
        version = await self._connection.fetchval(
            "SELECT coalesce(max(version), 0) + 1 FROM program_policies WHERE program_id = $1", program_id)
        await self._connection.execute(
            "INSERT INTO program_policies (program_id, version, policy) VALUES ($1, $2, $3)",
            program_id, version, dataclasses.asdict(policy))
        return version

    async def history(self, program_id: str) -> Sequence[tuple[int, MatchingPolicy, datetime]]:
        rows = await self._connection.fetch(
            "SELECT version, policy, set_at FROM program_policies WHERE program_id = $1 ORDER BY version", program_id)
        return [(row["version"], MatchingPolicy(**row["policy"]), row["set_at"]) for row in rows]


class PostgresMatchingUnitOfWork(UnitOfWork):
    def __init__(self, transaction: Transaction, source: str, cause: Cause) -> None:
        super().__init__(transaction, source, cause)
        self.candidates = PostgresCandidates(self.connection)
        self.matches = PostgresMatches(self.connection)
        self.policies = PostgresPolicies(self.connection)

    async def lock_program(self, program_id: str) -> None:
        # One program's places change one transaction at a time, on any replica: a join and a freed
        # place committed side by side would each miss the other (both wait, unproposed).
        await self.connection.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
                                      f"{self.institution}/{program_id}")
