"""Participants in the profile service's own PostgreSQL database."""

import functools
from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

import asyncpg

from mentoring_contracts.events.participants import ParticipantProfile
from mesh_profile.adapters.postgres.staging import through_staging
from mesh_profile.application.ports import StoredParticipant
from mesh_profile.domain.erasure import Erasure
from mesh_profile.domain.participant import AlreadyJoined, Participant, ParticipantStatus


class PostgresParticipants:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def add(self, participant: Participant) -> None:
        try:
            await self.add_many([participant])
        except asyncpg.UniqueViolationError as error:
            # A concurrent join of the same email or account won the race after the use case's check.
            raise AlreadyJoined(participant.profile.program_id, None, what="this email or account") from error

    async def add_many(self, participants: Sequence[Participant]) -> None:
        if len(participants) == 1:
            await self._connection.execute(_INSERT_ONE, *_joined(participants[0]))
        elif participants:
            await through_staging(self._connection, "staged_joins", _JOINED, map(_joined, participants), _INSERT_STAGED)

    async def get(self, participant_id: UUID) -> Participant | None:
        row = await self._connection.fetchrow("SELECT * FROM participants WHERE participant_id = $1", participant_id)
        return as_participant(row) if row else None

    async def get_for_update(self, participant_id: UUID) -> Participant | None:
        row = await self._connection.fetchrow("SELECT * FROM participants WHERE participant_id = $1 FOR UPDATE", participant_id)
        return as_participant(row) if row else None

    async def save(self, participant: Participant) -> None:
        try:
            await self.save_many([participant])
        except asyncpg.UniqueViolationError as error:
            raise AlreadyJoined(participant.profile.program_id, None) from error

    async def save_many(self, participants: Sequence[Participant]) -> None:
        latest = list({p.participant_id: p for p in participants}.values())  # saved twice in a batch: the last stands
        if len(latest) == 1:
            await self._connection.execute(_UPDATE_ONE, *_saved(latest[0]))
        elif latest:
            await through_staging(self._connection, "staged_changes", _SAVED, map(_saved, latest), _UPDATE_STAGED)

    async def named_by(self, program_id: str, external_ids: Sequence[str], email_keys: Sequence[str]) -> list[StoredParticipant]:
        rows = await self._connection.fetch(
            """
            SELECT * FROM participants
            WHERE program_id = $1 AND (external_id = ANY($2::text[]) OR email_key = ANY($3::text[]))
            FOR UPDATE
            """,
            program_id,
            list(external_ids),
            list(email_keys),
        )
        return [
            StoredParticipant(
                row["participant_id"],
                row["external_id"],
                row["email_key"],
                row["campus"],
                ParticipantStatus(row["status"]),
                row["profile"],
                functools.partial(as_participant, row),
            )
            for row in rows
        ]

    async def find_by_email(self, program_id: str, email_key: str) -> Participant | None:
        row = await self._connection.fetchrow(
            "SELECT * FROM participants WHERE program_id = $1 AND email_key = $2", program_id, email_key
        )
        return as_participant(row) if row else None

    async def find_by_subject(self, program_id: str, subject: str) -> Participant | None:
        row = await self._connection.fetchrow(
            "SELECT * FROM participants WHERE program_id = $1 AND subject = $2", program_id, subject
        )
        return as_participant(row) if row else None

    async def of_account(self, subject: str, email_key: str | None) -> list[Participant]:
        """Of every program of the institution (row-level security keeps to it): the account's, and the
        ones bound to no account with this email (the roster's, waiting to be claimed)."""
        rows = await self._connection.fetch(
            """
            SELECT * FROM participants WHERE subject = $1
            UNION ALL
            SELECT * FROM participants WHERE subject IS NULL AND $2::text IS NOT NULL AND email_key = $2
            """,
            subject,
            email_key,
        )
        return [as_participant(row) for row in rows]

    async def erasure(self, participant_id: UUID) -> Erasure | None:
        row = await self._connection.fetchrow("SELECT * FROM erasures WHERE participant_id = $1", participant_id)
        return as_erasure(row) if row else None

    async def add_erasure(self, erasure: Erasure) -> None:
        await self._connection.execute(
            """
            INSERT INTO erasures (participant_id, requested_at, requested_by, requester_digest, confirmations)
            VALUES ($1, $2, $3, $4, $5)
            """,
            erasure.participant_id,
            erasure.requested_at,
            erasure.requested_by,
            erasure.requester_digest,
            {
                service: {"at": at.isoformat(), "erased": erasure.erased.get(service, [])}
                for service, at in erasure.confirmations.items()
            },
        )

    async def confirm_erasure(self, participant_id: UUID, service: str, at: datetime, erased: list[str]) -> None:
        # A confirmation seen twice (or late) keeps the first one given.
        await self._connection.execute(
            """
            UPDATE erasures SET confirmations = jsonb_build_object($2::text, $3::jsonb) || confirmations
            WHERE participant_id = $1
            """,
            participant_id,
            service,
            {"at": at.isoformat(), "erased": erased},
        )


# The columns a join writes, and those a save rewrites (after the key), in the order of ``_joined`` and
# ``_saved``, typed for their staging tables. The profile travels as JSON text from pydantic's own
# serialiser (no dict built for asyncpg to dump again).
_JOINED = (
    ("participant_id", "uuid"),
    ("program_id", "text"),
    ("email_key", "text"),
    ("profile", "text"),
    ("joined_at", "timestamptz"),
    ("institution", "text"),
    ("campus", "text"),
    ("subject", "text"),
    ("external_id", "text"),
    ("mentoring_pending", "boolean"),
    ("mentoring_approved_at", "timestamptz"),
)
_SAVED = (
    ("participant_id", "uuid"),
    ("email_key", "text"),
    ("profile", "text"),
    ("status", "text"),
    ("left_at", "timestamptz"),
    ("campus", "text"),
    ("subject", "text"),
    ("erased_at", "timestamptz"),
    ("left_reason", "text"),
    ("external_id", "text"),
    ("mentoring_pending", "boolean"),
    ("mentoring_approved_at", "timestamptz"),
)


# The profile arrives as JSON text (typed jsonb, a parameter would be dumped as JSON once more).
_INSERT_ONE = """
    INSERT INTO participants (participant_id, program_id, email_key, profile, joined_at,
                              institution, campus, subject, external_id, mentoring_pending, mentoring_approved_at)
    VALUES ($1, $2, $3, $4::text::jsonb, $5, $6, $7, $8, $9, $10, $11)
"""
_INSERT_STAGED = """
    INSERT INTO participants (participant_id, program_id, email_key, profile, joined_at,
                              institution, campus, subject, external_id, mentoring_pending, mentoring_approved_at)
    SELECT participant_id, program_id, email_key, profile::jsonb, joined_at,
           institution, campus, subject, external_id, mentoring_pending, mentoring_approved_at
    FROM staged_joins
"""
_UPDATE_ONE = """
    UPDATE participants SET email_key = $2, profile = $3::text::jsonb, status = $4, left_at = $5, campus = $6,
                            subject = $7, erased_at = $8, left_reason = $9, external_id = $10,
                            mentoring_pending = $11, mentoring_approved_at = $12
    WHERE participant_id = $1
"""
_UPDATE_STAGED = """
    UPDATE participants SET email_key = s.email_key, profile = s.profile::jsonb, status = s.status, left_at = s.left_at,
                            campus = s.campus, subject = s.subject, erased_at = s.erased_at, left_reason = s.left_reason,
                            external_id = s.external_id, mentoring_pending = s.mentoring_pending,
                            mentoring_approved_at = s.mentoring_approved_at
    FROM staged_changes s WHERE participants.participant_id = s.participant_id
"""


def _joined(p: Participant) -> tuple:
    return (
        p.participant_id,
        p.profile.program_id,
        p.email_key,
        p.profile.model_dump_json(),
        p.joined_at,
        p.institution,
        p.profile.campus,
        p.subject,
        p.external_id,
        p.mentoring_pending,
        p.mentoring_approved_at,
    )


def _saved(p: Participant) -> tuple:
    return (
        p.participant_id,
        p.email_key,
        p.profile.model_dump_json(),
        p.status.value,
        p.left_at,
        p.profile.campus,
        p.subject,
        p.erased_at,
        p.left_reason,
        p.external_id,
        p.mentoring_pending,
        p.mentoring_approved_at,
    )


def as_participant(row: asyncpg.Record) -> Participant:
    return Participant(
        row["participant_id"],
        ParticipantProfile.model_validate(row["profile"]),
        row["joined_at"],
        row["institution"],
        row["subject"],
        ParticipantStatus(row["status"]),
        row["left_at"],
        row["erased_at"],
        row["left_reason"],
        row["external_id"],
        row["mentoring_pending"],
        row["mentoring_approved_at"],
    )


def as_erasure(row: asyncpg.Record) -> Erasure:
    """An erasure as stored: confirmations are service -> {at, erased}."""
    confirmations = row["confirmations"]
    return Erasure(
        row["participant_id"],
        row["requested_at"],
        row["requested_by"],
        row["requester_digest"],
        {service: datetime.fromisoformat(c["at"]) for service, c in confirmations.items()},
        {service: c["erased"] for service, c in confirmations.items()},
    )
