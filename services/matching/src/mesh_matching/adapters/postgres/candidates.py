"""Candidates in matching's own PostgreSQL database: the pool, its open places and their capacity.

A candidate's profile is stored as ``MatchingProfile`` (an allow-list), whatever profile sent."""

import asyncio
import gc
import json
from collections.abc import Callable, Sequence
from datetime import datetime, time
from typing import Any, TypeVar
from uuid import UUID

import asyncpg

from mentoring_contracts import AvailabilitySlot, ParticipantProfile, TopicRole
from mesh_matching.adapters.kept_in_memory import DECODED, DecodedProfiles
from mesh_matching.adapters.postgres.participant_states import refresh_states
from mesh_matching.application.ports import OpenCandidate
from mesh_matching.domain.candidate import ANONYMOUS, ERASED, KEPT, Candidate, MatchingProfile
from mesh_matching.domain.rounds.pool import RoundPool
from mesh_runtime.forgetting import announce_forgotten

# A candidate's open partners: the open places under the keys this one needs (open_slots' primary
# key), then rows whose keys are not filled in yet (their own small index): never the rest of the pool.
OPEN_PARTNERS = """
    SELECT participant_id, profile_version, subject, joined_seq, profile->>'campus' AS campus FROM candidates
    WHERE participant_id IN (SELECT participant_id FROM open_slots WHERE slot = ANY($2::text[]))
      AND participant_id <> $3
    UNION ALL
    SELECT participant_id, profile_version, subject, joined_seq, profile->>'campus' AS campus FROM candidates
    WHERE slots IS NULL AND program_id = $1 AND active AND used < capacity AND participant_id <> $3
"""
# A round's pool (``round_columns``) as ``RoundPool``'s columns: each stored profile's fields taken
# apart by the database, lists as arrays (in their JSON order), the weekly slots' times as times.
ROUND_COLUMNS = """
    SELECT c.capacity - c.used AS room, c.participant_id AS participant_ids, p.program_id AS program_ids,
           p.campus AS campuses, p.preferred_cadence AS cadences, p.time_zone AS time_zones,
           p.mentor_capacity AS mentor_capacities, p.meeting_modes, p.languages, t.topics, t.roles, p.experiences,
           p.goals, p.challenges, p.interests, s.weekdays, s.starts, s.ends
    FROM candidates c
    CROSS JOIN LATERAL jsonb_to_record(c.profile) AS p (
        program_id text, campus text, preferred_cadence text, time_zone text, mentor_capacity int, meeting_modes text[],
        languages text[], experiences text[], goals text[], challenges text[], interests text[])
    CROSS JOIN LATERAL (
        SELECT array_agg(topic ORDER BY at) AS topics, array_agg(role ORDER BY at) AS roles
        FROM ROWS FROM (jsonb_to_recordset(c.profile->'topics') AS (topic text, role text)) WITH ORDINALITY AS x (topic, role, at)
    ) t
    CROSS JOIN LATERAL (
        SELECT array_agg(weekday ORDER BY at) AS weekdays, array_agg(start ORDER BY at) AS starts, array_agg("end" ORDER BY at) AS ends
        FROM ROWS FROM (jsonb_to_recordset(c.profile->'weekly_availability') AS (weekday text, start time, "end" time))
            WITH ORDINALITY AS x (weekday, start, "end", at)
    ) s
    WHERE c.program_id = $1 AND c.active AND c.used < c.capacity ORDER BY c.joined_seq
"""


class _PlacesChanged(Exception):
    """Rolls the savepoint of ``reserve_all`` back."""


class PostgresCandidates:
    """``decoded``: this process's decoded profiles (a test passes its own, as another replica's)."""

    def __init__(self, connection: asyncpg.Connection, decoded: DecodedProfiles | None = None) -> None:
        self._connection = connection
        self._decoded_profiles = decoded if decoded is not None else DECODED

    async def add(self, candidate: Candidate) -> bool:
        inserted = await self._connection.fetchval(
            """
            INSERT INTO candidates (participant_id, program_id, profile, capacity, subject, slots, joined_at)
            VALUES ($1, $2, $3, $4, $5, $6, coalesce($7, now()))
            ON CONFLICT (participant_id) DO NOTHING RETURNING true
            """,
            candidate.participant_id,
            candidate.program_id,
            stored_form(candidate.profile),
            candidate.capacity,
            candidate.subject,
            candidate.slots(),
            candidate.joined_at,
        )
        return bool(inserted)

    async def add_many(self, candidates: Sequence[Candidate]) -> set[UUID]:
        if not candidates:
            return set()
        rows = await self._connection.fetch(
            """
            INSERT INTO candidates (participant_id, program_id, profile, capacity, subject, slots, joined_at)
            SELECT participant_id, program_id, profile, capacity, subject,
                   ARRAY(SELECT jsonb_array_elements_text(slots::jsonb)), coalesce(joined_at, now())
            FROM unnest($1::uuid[], $2::text[], $3::jsonb[], $4::int[], $5::text[], $6::text[], $7::timestamptz[])
                WITH ORDINALITY AS joined (participant_id, program_id, profile, capacity, subject, slots, joined_at, position)
            ORDER BY position
            ON CONFLICT (participant_id) DO NOTHING RETURNING participant_id
            """,
            [c.participant_id for c in candidates],
            [c.program_id for c in candidates],
            [stored_form(c.profile) for c in candidates],
            [c.capacity for c in candidates],
            [c.subject for c in candidates],
            [json.dumps(c.slots()) for c in candidates],  # a list per row: nested arrays would be one 2-D array
            [c.joined_at for c in candidates],
        )
        return {row["participant_id"] for row in rows}

    async def open_pool(self, program_id: str, slots: Sequence[str]) -> Sequence[OpenCandidate]:
        rows = await self._connection.fetch(
            """
            SELECT participant_id, profile_version, subject, joined_seq, capacity - used AS room, slots FROM candidates
            WHERE participant_id IN (SELECT participant_id FROM open_slots WHERE slot = ANY($2::text[]))
            UNION ALL
            SELECT participant_id, profile_version, subject, joined_seq, capacity - used, slots FROM candidates
            WHERE slots IS NULL AND program_id = $1 AND active AND used < capacity
            ORDER BY joined_seq
            """,
            program_id,
            list(slots),
        )
        candidates = await self._decoded(rows)
        return [
            OpenCandidate(candidate, row["room"], None if row["slots"] is None else frozenset(row["slots"]))
            for candidate, row in zip(candidates, rows, strict=True)
        ]

    async def get(self, participant_id: UUID) -> Candidate | None:
        row = await self._connection.fetchrow(
            "SELECT participant_id, profile, subject, profile_version FROM candidates WHERE participant_id = $1", participant_id
        )
        return _candidate(row) if row else None

    async def open_partners(self, candidate: Candidate) -> Sequence[Candidate]:
        # In join order (the tie-break). Ids and versions first; only profiles this process has not
        # decoded yet are read.
        rows = await self._connection.fetch(
            f"{OPEN_PARTNERS} ORDER BY joined_seq", candidate.program_id, candidate.wanted_slots(), candidate.participant_id
        )
        return await self._decoded(rows)

    async def open_partners_digest(self, candidate: Candidate, campuses: frozenset[str] | None) -> str:
        """What ``open_partners`` would give, on these campuses, as a digest of each partner and their
        profile's version in order, computed by the database: a participant asking again learns
        whether anything changed without reading (or the service decoding) the pool."""
        return await self._connection.fetchval(
            f"""
            SELECT count(*)::text || ':' || coalesce(md5(string_agg(participant_id::text || profile_version::text, ','
                                                                    ORDER BY joined_seq)), '')
            FROM ({OPEN_PARTNERS}) partners WHERE $4::text[] IS NULL OR campus = ANY($4::text[])
            """,
            candidate.program_id,
            candidate.wanted_slots(),
            candidate.participant_id,
            None if campuses is None else sorted(campuses),
        )

    async def _decoded(self, rows: Sequence[asyncpg.Record]) -> list[Candidate]:
        decoded = self._decoded_profiles
        decoded.sweep()  # once for the batch, not once a row
        known: dict[UUID, MatchingProfile] = {}
        for row in rows:
            if (profile := decoded.lookup(row["participant_id"], row["profile_version"])) is not None:
                known[row["participant_id"]] = profile
        unseen = [row["participant_id"] for row in rows if row["participant_id"] not in known]
        if unseen:
            fetched = await self._connection.fetch(
                "SELECT participant_id, profile_version, profile FROM candidates WHERE participant_id = ANY($1::uuid[])", unseen
            )
            profiles = await _off_the_loop(len(fetched), lambda: [stored_profile(row["profile"]) for row in fetched])
            for row, profile in zip(fetched, profiles, strict=True):  # each kept under the version read with it
                known[row["participant_id"]] = decoded.keep(row["participant_id"], row["profile_version"], profile)
        return await _off_the_loop(
            len(rows),
            lambda: [
                Candidate(row["participant_id"], known[row["participant_id"]], row["subject"], version=row["profile_version"])
                for row in rows
            ],
        )

    async def fill_in_slots(self, limit: int = 1000) -> int:
        rows = await self._connection.fetch(
            "SELECT participant_id, profile FROM candidates WHERE slots IS NULL LIMIT $1 FOR UPDATE SKIP LOCKED", limit
        )
        for row in rows:
            await self._connection.execute(
                "UPDATE candidates SET slots = $2 WHERE participant_id = $1", row["participant_id"], _candidate(row).slots()
            )
        return len(rows)

    def shared_features(self) -> None:
        """One join at a time: its large block builds its own."""
        return None

    async def reserve(self, participant_id: UUID) -> bool:
        # The row lock taken by UPDATE serialises concurrent reservations of one participant.
        reserved = await self._connection.fetchval(
            "UPDATE candidates SET used = used + 1 WHERE participant_id = $1 AND used < capacity AND active RETURNING true",
            participant_id,
        )
        return bool(reserved)

    async def reserve_all(self, places: dict[UUID, int]) -> bool:
        """Every one of these places at once, or none (False): one statement for a whole round."""
        return await self._reserve(places, "")

    async def reserve_round(self, places: dict[UUID, int]) -> bool:
        """``reserve_all`` for a round's proposals, each person's directory state set in the same write
        to what their proposals make it (``mesh_participant_state``: 'proposed', as everyone reserved is
        active): the rows are written once, not again when the proposals are added."""
        return await self._reserve(places, ", state = 'proposed'")

    async def _reserve(self, places: dict[UUID, int], and_set: str) -> bool:
        """``and_set``: more of the row to set in the same write (SQL written here, never input)."""
        ids, counts = list(places), list(places.values())
        try:
            async with self._connection.transaction():  # a savepoint: all or nothing
                taken = await self._connection.fetchval(
                    f"""
                    WITH wanted AS (SELECT unnest($1::uuid[]) AS id, unnest($2::int[]) AS n),
                         taken AS (UPDATE candidates c SET used = used + w.n{and_set} FROM wanted w
                                   WHERE c.participant_id = w.id AND c.active AND c.used + w.n <= c.capacity
                                   RETURNING 1)
                    SELECT count(*) FROM taken
                    """,
                    ids,
                    counts,
                )
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
            candidate.participant_id,
            stored_form(candidate.profile),
            candidate.capacity,
            candidate.subject,
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

    async def round_columns(self, program_id: str) -> tuple[RoundPool, list[int]]:
        """``round_pool`` as columns, and each one's room: no profile decoded or built per person."""
        was_enabled = gc.isenabled()
        gc.disable()  # a million short-lived values and no cycles: the collector would walk the pool again and again
        try:
            statement = await self._connection.prepare(ROUND_COLUMNS)
            rows = await statement.fetch(program_id)
            names = [attribute.name for attribute in statement.get_attributes()]
            columns = dict(zip(names, map(list, zip(*rows, strict=True)) if rows else ([] for _ in names), strict=True))
        finally:
            if was_enabled:
                gc.enable()
        for name in ("topics", "roles", "weekdays", "starts", "ends"):  # aggregated: none is NULL, not an empty array
            columns[name] = [[] if values is None else values for values in columns[name]]
        rooms = columns.pop("room")
        return RoundPool(**columns), rooms

    async def room(self, participant_id: UUID) -> int:
        return (
            await self._connection.fetchval(
                "SELECT CASE WHEN active THEN capacity - used ELSE 0 END FROM candidates WHERE participant_id = $1",
                participant_id,
            )
            or 0
        )

    async def anonymise(self, participant_id: UUID) -> bool:
        """Keeps of the profile only the attributes that identify nobody (``ANONYMOUS``, an
        allow-list: whatever else the row holds goes), with fixed values for the rest; drops the
        account link. A new version: no replica serves its decode of the row as it was. A row
        anonymised already is not written again (its version stays: no replica drops anything)."""
        erased = await self._connection.fetchval(
            """
            UPDATE candidates c SET subject = NULL, profile_version = gen_random_uuid(), profile = kept.profile
            FROM (SELECT (SELECT jsonb_object_agg(key, value) FROM jsonb_each(profile) WHERE key = ANY($2::text[])) || $3::jsonb
                  AS profile FROM candidates WHERE participant_id = $1) kept
            WHERE c.participant_id = $1 AND (c.subject IS NOT NULL OR c.profile <> kept.profile) RETURNING true
            """,
            participant_id,
            list(ANONYMOUS),
            ERASED,
        )
        if erased:
            self._decoded_profiles.forget(participant_id)  # at once here; other replicas when the erasure commits
            await announce_forgotten(self._connection, participant_id)
        return bool(erased)

    async def withdraw(self, participant_id: UUID, at: datetime | None = None) -> None:
        await self._connection.execute(
            "UPDATE candidates SET active = false, left_at = coalesce(left_at, $2) WHERE participant_id = $1", participant_id, at
        )
        await refresh_states(self._connection, [participant_id])


T = TypeVar("T")

OFF_THE_LOOP_FROM = 1_000  # rows: building more is a pass the event loop should not wait on


async def _off_the_loop(rows: int, build: Callable[[], list[T]]) -> list[T]:
    """Pure building from rows already read: in a thread past ``OFF_THE_LOOP_FROM`` rows, so a pool of
    thousands (a participant's suggestions, a join) leaves the loop serving requests and events
    meanwhile (the thread gives the interpreter back every few milliseconds)."""
    return build() if rows < OFF_THE_LOOP_FROM else await asyncio.to_thread(build)


def _candidate(row: asyncpg.Record) -> Candidate:
    return Candidate(
        row["participant_id"],
        stored_profile(row["profile"]),
        row["subject"] if "subject" in row else None,
        version=row["profile_version"] if "profile_version" in row else None,
    )


def stored_form(profile: ParticipantProfile | MatchingProfile) -> dict[str, Any]:
    """What is stored of a profile: the fields ``MatchingProfile`` names, nothing else."""
    return profile.model_dump(mode="json", include=set(KEPT))


def stored_profile(data: dict) -> MatchingProfile:
    """A profile as this service stored it, validated when it came in: read back without validating
    again (checking it costs more than scoring the pair). Only the fields matching keeps are read."""
    return MatchingProfile.model_construct(
        **{
            **{name: data[name] for name in KEPT},
            "topics": [TopicRole.model_construct(**topic) for topic in data["topics"]],
            "weekly_availability": [
                AvailabilitySlot.model_construct(
                    weekday=slot["weekday"], start=time.fromisoformat(slot["start"]), end=time.fromisoformat(slot["end"])
                )
                for slot in data["weekly_availability"]
            ],
        }
    )
