"""Candidates in matching's own PostgreSQL database: the pool, its open places and their capacity."""

from collections.abc import Sequence
from datetime import time
from uuid import UUID

import asyncpg

from mentoring_contracts import AvailabilitySlot, ParticipantProfile, TopicRole
from mesh_matching.domain.candidate import Candidate


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
        # In join order (the tie-break): only the open places under the keys this one needs (open_slots' primary key), then rows
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
