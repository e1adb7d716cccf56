"""A pair's sessions in scheduling's own database."""

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

import asyncpg

from mentoring_contracts import Reflection
from mesh_scheduling.domain.session import ProposedMove, Session, SessionStatus


class PostgresSessions:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def add(self, session: Session) -> None:
        await self._connection.execute(
            """
            INSERT INTO sessions (session_id, match_id, program_id, participant_ids, sequence, starts_at, ends_at,
                                  meeting_mode, cadence, status, occurrence, campuses)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,
                    array(SELECT m->>'campus' FROM pairs p, jsonb_array_elements(p.members) m WHERE p.match_id = $2))
            """,
            session.session_id,
            session.match_id,
            session.program_id,
            list(session.participant_ids),
            session.sequence,
            session.starts_at,
            session.ends_at,
            session.meeting_mode,
            session.cadence,
            session.status.value,
            session.occurrence,
        )

    async def add_many(self, sessions: Sequence[Session]) -> None:
        """``add`` for many in one statement (a run of first sessions)."""
        if not sessions:
            return
        await self._connection.execute(
            """
            INSERT INTO sessions (session_id, match_id, program_id, participant_ids, sequence, starts_at, ends_at,
                                  meeting_mode, cadence, status, occurrence, campuses)
            SELECT s.session_id, s.match_id, s.program_id, ARRAY[s.first_id, s.second_id], s.sequence, s.starts_at, s.ends_at,
                   s.meeting_mode, s.cadence, s.status, s.occurrence,
                   array(SELECT m->>'campus' FROM pairs p, jsonb_array_elements(p.members) m WHERE p.match_id = s.match_id)
            FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::uuid[], $5::uuid[], $6::int[], $7::timestamptz[],
                        $8::timestamptz[], $9::text[], $10::text[], $11::text[], $12::int[])
                AS s (session_id, match_id, program_id, first_id, second_id, sequence, starts_at, ends_at, meeting_mode,
                      cadence, status, occurrence)
            """,
            [s.session_id for s in sessions],
            [s.match_id for s in sessions],
            [s.program_id for s in sessions],
            [s.participant_ids[0] for s in sessions],
            [s.participant_ids[1] for s in sessions],
            [s.sequence for s in sessions],
            [s.starts_at for s in sessions],
            [s.ends_at for s in sessions],
            [s.meeting_mode for s in sessions],
            [s.cadence for s in sessions],
            [s.status.value for s in sessions],
            [s.occurrence for s in sessions],
        )

    async def get_for_update(self, session_id: UUID) -> Session | None:
        row = await self._connection.fetchrow("SELECT * FROM sessions WHERE session_id = $1 FOR UPDATE", session_id)
        return session_from_row(row) if row else None

    async def save(self, session: Session) -> None:
        await self._connection.execute(
            """
            UPDATE sessions SET status = $2, completed_at = $3, reflections = $4, starts_at = $5, ends_at = $6,
                                revision = $7, cancelled_by = $8, cancel_reason = $9, proposed_move = $10,
                                meeting_mode = $11, occurrence = $12, cadence = $13, updated_at = now()
            WHERE session_id = $1
            """,
            session.session_id,
            session.status.value,
            session.completed_at,
            [reflection.model_dump(mode="json") for reflection in session.reflections],
            session.starts_at,
            session.ends_at,
            session.revision,
            session.cancelled_by,
            session.cancel_reason,
            _move_json(session.proposed_move),
            session.meeting_mode,
            session.occurrence,
            session.cadence,
        )

    async def unrecorded_before(self, moment: datetime, limit: int) -> list[Session]:
        """Scheduled sessions that ended before ``moment``, oldest first, locked (other replicas skip them)."""
        rows = await self._connection.fetch(
            "SELECT * FROM sessions WHERE status = 'scheduled' AND ends_at < $1 ORDER BY ends_at LIMIT $2 FOR UPDATE SKIP LOCKED",
            moment,
            limit,
        )
        return [session_from_row(row) for row in rows]

    async def latest(self, match_id: UUID) -> Session | None:
        row = await self._connection.fetchrow(
            "SELECT * FROM sessions WHERE match_id = $1 ORDER BY sequence DESC LIMIT 1", match_id
        )
        return session_from_row(row) if row else None

    async def forget_cancel_reasons(self, participant_id: UUID) -> int:
        status = await self._connection.execute(
            "UPDATE sessions SET cancel_reason = '(erased)' WHERE cancelled_by = $1 AND cancel_reason IS NOT NULL", participant_id
        )
        return int(status.split()[-1])

    async def redact_reflections(self, participant_id: UUID) -> int:
        status = await self._connection.execute(
            """
            UPDATE sessions SET reflections = (
                SELECT jsonb_agg(CASE WHEN r->>'participant_id' = $1::text THEN r || '{"notes": "(erased)"}' ELSE r END)
                FROM jsonb_array_elements(reflections) r)
            WHERE reflections @> jsonb_build_array(jsonb_build_object('participant_id', $1::text))
            """,
            str(participant_id),
        )
        return int(status.split()[-1])

    async def upcoming_for_update(self, match_id: UUID, now: datetime) -> list[Session]:
        rows = await self._connection.fetch(
            "SELECT * FROM sessions WHERE match_id = $1 AND status = 'scheduled' AND ends_at > $2 ORDER BY sequence FOR UPDATE",
            match_id,
            now,
        )
        return [session_from_row(row) for row in rows]


def session_from_row(row: asyncpg.Record) -> Session:
    first, second = row["participant_ids"]
    return Session(
        session_id=row["session_id"],
        match_id=row["match_id"],
        program_id=row["program_id"],
        participant_ids=(first, second),
        sequence=row["sequence"],
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        meeting_mode=row["meeting_mode"],
        cadence=row["cadence"],
        status=SessionStatus(row["status"]),
        completed_at=row["completed_at"],
        reflections=tuple(Reflection.model_validate(item) for item in row["reflections"]),
        revision=row["revision"],
        occurrence=row["occurrence"],
        cancelled_by=row["cancelled_by"],
        cancel_reason=row["cancel_reason"],
        proposed_move=_move_from_json(row["proposed_move"]),
    )


def _move_json(move: ProposedMove | None) -> dict[str, str] | None:
    if move is None:
        return None
    return {
        "starts_at": move.starts_at.isoformat(),
        "ends_at": move.ends_at.isoformat(),
        "proposed_by": str(move.proposed_by),
    }


def _move_from_json(value: dict[str, str] | None) -> ProposedMove | None:
    if not value:
        return None
    return ProposedMove(
        datetime.fromisoformat(value["starts_at"]), datetime.fromisoformat(value["ends_at"]), UUID(value["proposed_by"])
    )
