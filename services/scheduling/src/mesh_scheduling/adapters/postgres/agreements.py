"""A pair's agreements, every version, and the progress on their goals, in scheduling's own database."""

from datetime import date, datetime
from typing import Any
from uuid import UUID

import asyncpg

from mesh_scheduling.domain.agreement import Agreement, AgreementStatus, Goal, Terms
from mesh_scheduling.domain.pair import AgreedTerms


def terms_json(terms: Terms) -> dict[str, Any]:
    return {
        "goals": [
            {"description": goal.description, "target_date": goal.target_date.isoformat() if goal.target_date else None}
            for goal in terms.goals
        ],
        "expectations": list(terms.expectations),
        "cadence": terms.cadence,
        "meeting_mode": terms.meeting_mode,
        "session_minutes": terms.session_minutes,
        "runs_until": terms.runs_until.isoformat() if terms.runs_until else None,
    }


def terms_from_json(value: dict[str, Any]) -> Terms:
    return Terms(
        goals=tuple(Goal(goal["description"], _date(goal.get("target_date"))) for goal in value["goals"]),
        expectations=tuple(value["expectations"]),
        cadence=value["cadence"],
        meeting_mode=value["meeting_mode"],
        session_minutes=value["session_minutes"],
        runs_until=_date(value.get("runs_until")),
    )


def agreed_from_json(value: dict[str, Any] | None) -> AgreedTerms | None:
    if value is None:
        return None
    return AgreedTerms(
        value["version"], value["cadence"], value["meeting_mode"], value["session_minutes"], _date(value.get("runs_until"))
    )


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _agreement(row: asyncpg.Record) -> Agreement:
    return Agreement(
        row["match_id"],
        row["program_id"],
        row["version"],
        terms_from_json(row["terms"]),
        row["proposed_by"],
        row["proposed_at"],
        AgreementStatus(row["status"]),
        row["confirmed_by"],
        row["confirmed_at"],
    )


class PostgresAgreements:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def latest_for_update(self, match_id: UUID) -> Agreement | None:
        row = await self._connection.fetchrow(
            "SELECT * FROM agreements WHERE match_id = $1 ORDER BY version DESC LIMIT 1 FOR UPDATE", match_id
        )
        return _agreement(row) if row else None

    async def history(self, match_id: UUID) -> list[Agreement]:
        rows = await self._connection.fetch("SELECT * FROM agreements WHERE match_id = $1 ORDER BY version", match_id)
        return [_agreement(row) for row in rows]

    async def add(self, agreement: Agreement) -> None:
        """The versions before it are superseded: a waiting proposal by the new one, a held one once it is confirmed."""
        await self._connection.execute(
            "UPDATE agreements SET status = 'superseded' WHERE match_id = $1 AND status = 'proposed'", agreement.match_id
        )
        await self._connection.execute(
            """
            INSERT INTO agreements (match_id, version, program_id, terms, proposed_by, proposed_at, status)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            """,
            agreement.match_id,
            agreement.version,
            agreement.program_id,
            terms_json(agreement.terms),
            agreement.proposed_by,
            agreement.proposed_at,
            agreement.status.value,
        )

    async def confirm(self, agreement: Agreement) -> None:
        await self._connection.execute(
            "UPDATE agreements SET status = 'superseded' WHERE match_id = $1 AND status = 'confirmed'", agreement.match_id
        )
        await self._connection.execute(
            "UPDATE agreements SET status = $3, confirmed_by = $4, confirmed_at = $5 WHERE match_id = $1 AND version = $2",
            agreement.match_id,
            agreement.version,
            agreement.status.value,
            agreement.confirmed_by,
            agreement.confirmed_at,
        )

    async def record_progress(
        self, session_id: UUID, participant_id: UUID, version: int, progress: dict[int, int], at: datetime
    ) -> None:
        await self._connection.executemany(
            """
            INSERT INTO goal_progress (session_id, participant_id, agreement_version, goal_number, percent, recorded_at)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (session_id, participant_id, goal_number) DO UPDATE SET percent = excluded.percent
            """,
            [(session_id, participant_id, version, goal, percent, at) for goal, percent in sorted(progress.items())],
        )

    async def redact_terms(self, participant_id: UUID) -> int:
        """An erased member's pair keeps its agreement's shape, not its words (goals and expectations are joint)."""
        status = await self._connection.execute(
            """
            UPDATE agreements a SET terms = a.terms
                || jsonb_build_object('goals', (SELECT jsonb_agg(g || '{"description": "(erased)"}')
                                                FROM jsonb_array_elements(a.terms->'goals') g),
                                      'expectations', '[]'::jsonb)
            FROM pairs p
            WHERE p.match_id = a.match_id
              AND p.members @> jsonb_build_array(jsonb_build_object('participant_id', $1::text))
              AND a.terms->'goals'->0->>'description' <> '(erased)'
            """,
            str(participant_id),
        )
        return int(status.split()[-1])
