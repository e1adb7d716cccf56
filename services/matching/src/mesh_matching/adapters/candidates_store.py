"""Candidates in matching's own PostgreSQL database: the pool, its open places and their capacity."""

from collections import OrderedDict
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
            INSERT INTO candidates (participant_id, program_id, profile, capacity, subject, slots, joined_at)
            VALUES ($1, $2, $3, $4, $5, $6, coalesce($7, now()))
            ON CONFLICT (participant_id) DO NOTHING RETURNING true
            """,
            candidate.participant_id,
            candidate.program_id,
            candidate.profile.model_dump(mode="json"),
            candidate.capacity,
            candidate.subject,
            candidate.slots(),
            candidate.joined_at,
        )
        return bool(inserted)

    async def get(self, participant_id: UUID) -> Candidate | None:
        row = await self._connection.fetchrow(
            "SELECT participant_id, profile, subject FROM candidates WHERE participant_id = $1", participant_id)
        return _candidate(row) if row else None

    async def open_partners(self, candidate: Candidate) -> Sequence[Candidate]:
        # In join order (the tie-break): only the open places under the keys this one needs (open_slots' primary key), then rows
        # whose keys are not filled in yet (their own small index): never the rest of the pool. Ids and
        # versions first; only profiles this process has not decoded yet are read.
        rows = await self._connection.fetch(
            """
            SELECT participant_id, profile_version, subject, joined_seq FROM candidates
            WHERE participant_id IN (SELECT participant_id FROM open_slots WHERE slot = ANY($2::text[]))
              AND participant_id <> $3
            UNION ALL
            SELECT participant_id, profile_version, subject, joined_seq FROM candidates
            WHERE slots IS NULL AND program_id = $1 AND active AND used < capacity AND participant_id <> $3
            ORDER BY joined_seq
            """,
            candidate.program_id, candidate.wanted_slots(), candidate.participant_id,
        )
        return await self._decoded(rows)

    async def _decoded(self, rows: Sequence[asyncpg.Record]) -> list[Candidate]:
        known: dict[UUID, ParticipantProfile] = {}
        for row in rows:
            if (profile := DECODED.get(row["profile_version"])) is not None:
                known[row["participant_id"]] = profile
        unseen = [row["participant_id"] for row in rows if row["participant_id"] not in known]
        if unseen:
            for row in await self._connection.fetch(
                    "SELECT participant_id, profile_version, profile FROM candidates WHERE participant_id = ANY($1::uuid[])",
                    unseen):
                known[row["participant_id"]] = DECODED.keep(row["profile_version"], stored_profile(row["profile"]))
        return [Candidate(row["participant_id"], known[row["participant_id"]], row["subject"]) for row in rows]

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
            UPDATE candidates SET profile = $2, profile_version = gen_random_uuid(), capacity = GREATEST($3, used), subject = coalesce($4, subject), slots = $5
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
        erased = await self._connection.fetchval(
            """
            UPDATE candidates c SET subject = NULL, profile_version = gen_random_uuid(), profile = c.profile || jsonb_build_object(
                'display_name', 'Erased participant', 'email', 'erased-' || replace(c.participant_id::text, '-', '') || '@erased.example.org',
                'experiences', '[]'::jsonb, 'goals', '[]'::jsonb, 'challenges', '[]'::jsonb, 'interests', '[]'::jsonb)
            FROM (SELECT participant_id, profile_version FROM candidates WHERE participant_id = $1) before
            WHERE c.participant_id = before.participant_id RETURNING before.profile_version
            """, participant_id)
        if erased is not None:
            DECODED.forget(erased)  # the erased profile leaves this process's memory too
        return erased is not None

    async def withdraw(self, participant_id: UUID) -> None:
        await self._connection.execute("UPDATE candidates SET active = false WHERE participant_id = $1", participant_id)


class DecodedProfiles:
    """Profiles this process has decoded, by profile version (a version is never given twice, so a
    kept profile is never stale), the least recently used forgotten past ``size``."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._profiles: OrderedDict[UUID, ParticipantProfile] = OrderedDict()

    def get(self, version: UUID) -> ParticipantProfile | None:
        profile = self._profiles.get(version)
        if profile is not None:
            self._profiles.move_to_end(version)
        return profile

    def keep(self, version: UUID, profile: ParticipantProfile) -> ParticipantProfile:
        self._profiles[version] = profile
        self._profiles.move_to_end(version)
        while len(self._profiles) > self._size:
            self._profiles.popitem(last=False)
        return profile

    def forget(self, version: UUID) -> None:
        self._profiles.pop(version, None)


DECODED = DecodedProfiles(20_000)  # 2.5 KB or so each: a program's open places, not its whole pool


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
