"""Participants in the profile service's own PostgreSQL database."""

from uuid import UUID

import asyncpg

from mentoring_contracts.events.participants import ParticipantProfile
from mesh_profile.domain.participant import AlreadyJoined, Participant, ParticipantStatus
from mesh_runtime.db import Cause, Transaction, UnitOfWork


class PostgresParticipants:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def add(self, participant: Participant) -> None:
        try:
            await self._connection.execute(
                """
                INSERT INTO participants (participant_id, program_id, email_key, profile, joined_at)
                VALUES ($1, $2, $3, $4, $5)
                """,
                participant.participant_id,
                participant.profile.program_id,
                participant.email_key,
                participant.profile.model_dump(mode="json"),
                participant.joined_at,
            )
        except asyncpg.UniqueViolationError as error:
            # A concurrent join of the same email won the race after the use case's check.
            raise AlreadyJoined(participant.profile.program_id, None) from error

    async def get(self, participant_id: UUID) -> Participant | None:
        row = await self._connection.fetchrow("SELECT * FROM participants WHERE participant_id = $1", participant_id)
        return _participant(row) if row else None

    async def get_for_update(self, participant_id: UUID) -> Participant | None:
        row = await self._connection.fetchrow("SELECT * FROM participants WHERE participant_id = $1 FOR UPDATE", participant_id)
        return _participant(row) if row else None

    async def save(self, participant: Participant) -> None:
        try:
            await self._connection.execute(
                """
                UPDATE participants SET email_key = $2, profile = $3, status = $4, left_at = $5
                WHERE participant_id = $1
                """,
                participant.participant_id, participant.email_key, participant.profile.model_dump(mode="json"),
                participant.status.value, participant.left_at,
            )
        except asyncpg.UniqueViolationError as error:
            raise AlreadyJoined(participant.profile.program_id, None) from error

    async def find_by_email(self, program_id: str, email_key: str) -> Participant | None:
        row = await self._connection.fetchrow(
            "SELECT * FROM participants WHERE program_id = $1 AND email_key = $2", program_id, email_key
        )
        return _participant(row) if row else None


def _participant(row: asyncpg.Record) -> Participant:
    return Participant(
        row["participant_id"], ParticipantProfile.model_validate(row["profile"]), row["joined_at"],
        ParticipantStatus(row["status"]), row["left_at"],
    )


class PostgresProfileUnitOfWork(UnitOfWork):
    def __init__(self, transaction: Transaction, source: str, cause: Cause) -> None:
        super().__init__(transaction, source, cause)
        self.participants = PostgresParticipants(self.connection)
