"""Round previews in matching's own PostgreSQL database: each job's progress and heartbeat, what a
coordinator reads, and what publishing needs; and the pool a preview reads, a page at a time.

A row is one institution's (row-level security). Per program: one preview runs at a time (an
advisory lock, and a unique index whatever races), and the newest ``KEPT_PER_PROGRAM`` are kept."""

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

import asyncpg

from mesh_matching.adapters.postgres.candidates import stored_profile
from mesh_matching.application.preview_round import PreviewOrder
from mesh_matching.domain.candidate import Candidate
from mesh_matching.domain.round_preview import KEPT_PER_PROGRAM, STALE_HEARTBEAT_SECONDS, PlannedPreview, PoolMember
from mesh_matching.domain.scoring import MatchingPolicy

# A running preview whose job has not touched its row for STALE_HEARTBEAT_SECONDS shows as interrupted.
SHOWN = f"""CASE WHEN status = 'running' AND heartbeat_at < clock_timestamp() - make_interval(secs => {STALE_HEARTBEAT_SECONDS})
               THEN 'interrupted' ELSE status END AS shown_status"""
SUMMARY = f"""{SHOWN}, preview_id, program_id, mode, objective, policy, candidate, policy_version, status, phase, done,
    total, started_at, finished_at, published_match_ids, published_at, error"""
# The pool a round reads (``PostgresCandidates.round_pool``), as the digest sees it, in join order.
POOL = "FROM candidates WHERE program_id = $1 AND active AND used < capacity"


class PostgresRoundPreviews:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def begin(
        self, institution: str, preview_id: UUID, order: PreviewOrder, candidate: bool, policy_version: int
    ) -> UUID | None:
        """A new running preview, unless one runs for the program already (its id is returned). A
        running one whose job died is marked interrupted first. Older previews beyond the kept are pruned."""
        # Serialises starts per program: two coordinators asking at once see each other's.
        await self._connection.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", f"round-previews/{institution}/{order.program_id}"
        )
        running = await self._connection.fetchrow(
            f"SELECT preview_id, {SHOWN} FROM round_previews WHERE program_id = $1 AND status = 'running'", order.program_id
        )
        if running is not None and running["shown_status"] == "running":
            return running["preview_id"]
        if running is not None:
            await self._connection.execute(
                "UPDATE round_previews SET status = 'interrupted', finished_at = $2 WHERE preview_id = $1",
                running["preview_id"],
                order.now,
            )
        await self._connection.execute(
            """
            INSERT INTO round_previews (preview_id, program_id, mode, objective, policy, candidate, policy_version, started_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """,
            preview_id,
            order.program_id,
            order.mode,
            order.objective,
            dataclasses.asdict(order.policy),
            candidate,
            policy_version,
            order.now,
        )
        await self._connection.execute(
            """
            DELETE FROM round_previews WHERE program_id = $1 AND status <> 'running' AND preview_id NOT IN (
                SELECT preview_id FROM round_previews WHERE program_id = $1 ORDER BY seq DESC LIMIT $2)
            """,
            order.program_id,
            KEPT_PER_PROGRAM,
        )
        return None

    async def progress(self, preview_id: UUID, phase: str, done: int, total: int) -> bool:
        """The job is alive and this far; False once the preview no longer runs (marked interrupted)."""
        return bool(
            await self._connection.fetchval(
                """
            UPDATE round_previews SET phase = $2, done = $3, total = $4, heartbeat_at = clock_timestamp()
            WHERE preview_id = $1 AND status = 'running' RETURNING true
            """,
                preview_id,
                phase,
                done,
                total,
            )
        )

    async def ready(
        self, preview_id: UUID, at: datetime, pool_size: int, digest: str, report: dict, pairs: Sequence[tuple[UUID, UUID]]
    ) -> bool:
        return bool(
            await self._connection.fetchval(
                """
            UPDATE round_previews SET status = 'ready', phase = 'ready', done = $3, total = $3, finished_at = $2,
                heartbeat_at = clock_timestamp(), pool_digest = $4, report = $5, pair_first = $6, pair_second = $7
            WHERE preview_id = $1 AND status = 'running' RETURNING true
            """,
                preview_id,
                at,
                pool_size,
                digest,
                report,
                [first for first, _ in pairs],
                [second for _, second in pairs],
            )
        )

    async def stop(self, preview_id: UUID, status: str, at: datetime, error: str) -> None:
        """A running preview failed, or its job was stopped (interrupted)."""
        await self._connection.execute(
            "UPDATE round_previews SET status = $2, finished_at = $3, error = $4 WHERE preview_id = $1 AND status = 'running'",
            preview_id,
            status,
            at,
            error,
        )

    async def get(self, program_id: str, preview_id: UUID) -> asyncpg.Record | None:
        """With its report; without the pairs (publishing reads them)."""
        return await self._connection.fetchrow(
            f"SELECT {SUMMARY}, pool_digest, report FROM round_previews WHERE preview_id = $1 AND program_id = $2",
            preview_id,
            program_id,
        )

    async def latest(self, program_id: str, limit: int) -> list[asyncpg.Record]:
        """Newest first, without reports."""
        return await self._connection.fetch(
            f"SELECT {SUMMARY} FROM round_previews WHERE program_id = $1 ORDER BY seq DESC LIMIT $2", program_id, limit
        )

    async def planned_for_update(self, program_id: str, preview_id: UUID) -> PlannedPreview | None:
        row = await self._connection.fetchrow(
            f"SELECT *, {SHOWN} FROM round_previews WHERE preview_id = $1 AND program_id = $2 FOR UPDATE", preview_id, program_id
        )
        return planned(row) if row is not None else None

    async def mark_stale(self, preview_id: UUID, reason: str) -> None:
        await self._connection.execute(
            "UPDATE round_previews SET status = 'stale', error = $2 WHERE preview_id = $1", preview_id, reason
        )

    async def mark_published(self, preview_id: UUID, match_ids: list[UUID], at: datetime) -> None:
        await self._connection.execute(
            "UPDATE round_previews SET status = 'published', published_match_ids = $2, published_at = $3 WHERE preview_id = $1",
            preview_id,
            match_ids,
            at,
        )

    async def pool_digest(self, program_id: str) -> str:
        """``round_preview.pool_digest`` of the pool as it is now, computed by the database."""
        return await self._connection.fetchval(
            f"""
            SELECT md5(coalesce(string_agg(participant_id::text || ':' || profile_version::text || ':'
                                           || (capacity - used)::text, ',' ORDER BY joined_seq), '')) {POOL}
            """,
            program_id,
        )

    async def members(self, program_id: str) -> Sequence[PoolMember]:
        rows = await self._connection.fetch(
            f"SELECT participant_id, profile_version, capacity - used AS room {POOL} ORDER BY joined_seq", program_id
        )
        return [PoolMember(row["participant_id"], row["profile_version"], row["room"]) for row in rows]

    async def candidates(self, participant_ids: Sequence[UUID]) -> Sequence[Candidate]:
        rows = await self._connection.fetch(
            "SELECT participant_id, profile, profile_version FROM candidates WHERE participant_id = ANY($1::uuid[])",
            list(participant_ids),
        )
        return [Candidate(row["participant_id"], stored_profile(row["profile"]), version=row["profile_version"]) for row in rows]


def planned(row: asyncpg.Record) -> PlannedPreview:
    return PlannedPreview(
        preview_id=row["preview_id"],
        program_id=row["program_id"],
        status=row["shown_status"],
        candidate=row["candidate"],
        policy=MatchingPolicy(**row["policy"]),
        policy_version=row["policy_version"],
        mode=row["mode"],
        planned_at=row["started_at"],
        digest=row["pool_digest"],
        pairs=list(zip(row["pair_first"] or [], row["pair_second"] or [], strict=True)),
        published_match_ids=list(row["published_match_ids"]),
    )
