"""A formed pair as scheduling keeps it: its two members (with their accounts), its agreed terms
and where its series starts."""

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from mentoring_contracts import ParticipantSchedule
from mesh_scheduling.adapters.postgres.agreements import agreed_from_json
from mesh_scheduling.domain.pair import AgreedTerms, Pair


class PostgresPairs:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def add(self, pair: Pair) -> bool:
        return bool(
            await self._connection.fetchval(
                """
            INSERT INTO pairs (match_id, program_id, members) VALUES ($1, $2, $3)
            ON CONFLICT (match_id) DO NOTHING RETURNING true
            """,
                pair.match_id,
                pair.program_id,
                _members(pair),
            )
        )

    async def add_many(self, pairs: Sequence[Pair]) -> set[UUID]:
        if not pairs:
            return set()
        rows = await self._connection.fetch(
            """
            INSERT INTO pairs (match_id, program_id, members)
            SELECT match_id, program_id, members::jsonb FROM unnest($1::uuid[], $2::text[], $3::text[]) AS p (match_id, program_id, members)
            ON CONFLICT (match_id) DO NOTHING RETURNING match_id
            """,
            [pair.match_id for pair in pairs],
            [pair.program_id for pair in pairs],
            [json.dumps(_members(pair)) for pair in pairs],  # a list per pair: nested arrays would be one 2-D array
        )
        return {row["match_id"] for row in rows}

    async def start_series_many(self, starts: Sequence[tuple[UUID, datetime]]) -> None:
        if starts:
            await self._connection.execute(
                """
                UPDATE pairs p SET series_start = s.first_start
                FROM unnest($1::uuid[], $2::timestamptz[]) AS s (match_id, first_start) WHERE p.match_id = s.match_id
                """,
                [match_id for match_id, _ in starts],
                [first_start for _, first_start in starts],
            )

    async def get(self, match_id: UUID) -> Pair | None:
        row = await self._connection.fetchrow("SELECT * FROM pairs WHERE match_id = $1", match_id)
        if row is None:
            return None
        first, second = (ParticipantSchedule.model_validate(member) for member in row["members"])
        subjects = tuple(member.get("subject") for member in row["members"])
        return Pair(
            row["match_id"],
            row["program_id"],
            (first, second),
            row["ended_at"],
            subjects,
            agreed_from_json(row["agreed"]),
            row["series_start"],
        )

    async def start_series(self, match_id: UUID, first_start: datetime) -> None:
        await self._connection.execute("UPDATE pairs SET series_start = $2 WHERE match_id = $1", match_id, first_start)

    async def agree(self, match_id: UUID, terms: AgreedTerms, series_start: datetime | None) -> None:
        await self._connection.execute(
            "UPDATE pairs SET agreed = $2, series_start = coalesce($3, series_start) WHERE match_id = $1",
            match_id,
            {
                "version": terms.version,
                "cadence": terms.cadence,
                "meeting_mode": terms.meeting_mode,
                "session_minutes": terms.session_minutes,
                "runs_until": terms.runs_until.isoformat() if terms.runs_until else None,
            },
            series_start,
        )

    async def mark_unschedulable(self, match_id: UUID, reason: str) -> None:
        await self._connection.execute("UPDATE pairs SET unschedulable_reason = $2 WHERE match_id = $1", match_id, reason)

    async def forget_account(self, participant_id: UUID) -> int:
        status = await self._connection.execute(
            """
            UPDATE pairs SET members = (
                SELECT jsonb_agg(CASE WHEN m->>'participant_id' = $1::text THEN m || '{"subject": null}' ELSE m END)
                FROM jsonb_array_elements(members) m)
            WHERE members @> jsonb_build_array(jsonb_build_object('participant_id', $1::text))
            """,
            str(participant_id),
        )
        return int(status.split()[-1])

    async def mark_ended(self, match_id: UUID, when: datetime) -> None:
        await self._connection.execute("UPDATE pairs SET ended_at = $2 WHERE match_id = $1", match_id, when)


def _members(pair: Pair) -> list[dict[str, Any]]:
    """Each member's schedule as stored, with their account."""
    return [
        member.model_dump(mode="json") | {"subject": subject} for member, subject in zip(pair.members, pair.subjects, strict=True)
    ]
