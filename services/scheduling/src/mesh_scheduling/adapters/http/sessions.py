"""Sessions: read one, or a pair's, and record one as done."""

from datetime import datetime
from typing import Literal
from uuid import UUID

import asyncpg
from fastapi import APIRouter
from pydantic import BaseModel, Field

from mentoring_contracts import Reflection
from mesh_runtime import audit
from mesh_runtime.dependencies import PrincipalDep, authorize, error_responses
from mesh_runtime.identity import Decision, Principal, decide
from mesh_scheduling.adapters.access import own_members, pair_tenancy, require_acting_as_themself, session_tenancy
from mesh_scheduling.adapters.http import queries
from mesh_scheduling.adapters.http.dependencies import Uow
from mesh_scheduling.application.complete_session import complete_session
from mesh_scheduling.domain.session import Session

router: APIRouter = APIRouter(tags=["sessions"])
ERRORS = error_responses(403, 404, 409)


class GoalProgressBody(BaseModel):
    goal: int = Field(ge=1, le=20, description="The goal's number in the agreement that holds (1 first).")
    percent: int = Field(ge=0, le=100, description="How far along it is.")


class CompletionBody(Reflection):
    goal_progress: list[GoalProgressBody] = Field(
        default_factory=list, max_length=20, description="Progress on the agreement's goals, recorded with the reflection."
    )


class ReflectionView(BaseModel):
    participant_id: UUID
    progress_rating: int
    notes: str | None = Field(
        description="Their words: shown to their author, the program's coordinators and admins; to the partner only the rating."
    )


class MoveView(BaseModel):
    starts_at: datetime
    ends_at: datetime
    proposed_by: UUID


class SessionView(BaseModel):
    session_id: UUID
    match_id: UUID
    program_id: str
    participant_ids: list[UUID]
    sequence: int
    starts_at: datetime
    ends_at: datetime
    meeting_mode: Literal["in_person", "online"]
    cadence: str
    status: Literal["scheduled", "completed", "cancelled", "missed"]
    completed_at: datetime | None
    reflections: list[ReflectionView]
    revision: int = Field(description="Raised on every move and on the cancel (the iCalendar SEQUENCE).")
    cancelled_by: UUID | None
    proposed_move: MoveView | None = Field(description="A new time waiting for the other one's confirmation.")

    @classmethod
    def of(cls, session: Session, words_of: set[UUID] | None = None) -> "SessionView":
        """``words_of``: whose reflection notes the caller may read (None: everyone's)."""
        return cls(
            session_id=session.session_id,
            match_id=session.match_id,
            program_id=session.program_id,
            participant_ids=list(session.participant_ids),
            sequence=session.sequence,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            meeting_mode=session.meeting_mode,  # type: ignore[arg-type]  # a Literal in the contract, a plain str in the domain
            cadence=session.cadence,
            status=session.status.value,
            completed_at=session.completed_at,
            reflections=[
                ReflectionView(
                    participant_id=r.participant_id,
                    progress_rating=r.progress_rating,
                    notes=r.notes if words_of is None or r.participant_id in words_of else None,
                )
                for r in session.reflections
            ],
            revision=session.revision,
            cancelled_by=session.cancelled_by,
            proposed_move=MoveView(
                starts_at=session.proposed_move.starts_at,
                ends_at=session.proposed_move.ends_at,
                proposed_by=session.proposed_move.proposed_by,
            )
            if session.proposed_move
            else None,
        )


@router.get("/sessions/{session_id}", summary="A session (the pair, coordinators, admins)", responses=ERRORS)
async def get_session(session_id: UUID, uow: Uow, principal: PrincipalDep) -> SessionView:
    tenancy = await session_tenancy(uow.connection, session_id)
    authorize(principal, tenancy, f"session {session_id}")
    await audit.record_reads(
        uow.transaction,
        principal,
        uow.cause,
        "sessions",  # reasons given for cancelling
        {tenancy.institution: [str(session_id)]},  # type: ignore[union-attr]  # authorize refused a None
    )
    session = await queries.session(uow.connection, session_id)
    return SessionView.of(session, await own_members(uow.connection, principal, session.match_id))


@router.get(
    "/matches/{match_id}/sessions",
    summary="A pair's sessions in order (empty until the pair is known)",
    responses=error_responses(403),
)
async def match_sessions(match_id: UUID, uow: Uow, principal: PrincipalDep) -> list[SessionView]:
    pair = await pair_tenancy(uow.connection, match_id)
    if pair is None or decide(principal, pair) is Decision.HIDDEN:
        return []  # not formed yet, or not the caller's to know of: the same answer, so nothing leaks
    authorize(principal, pair, f"match {match_id}")
    views = await read_sessions(uow.connection, principal, match_id)
    await audit.record_reads(
        uow.transaction, principal, uow.cause, "sessions", {pair.institution: [str(view.session_id) for view in views]}
    )
    return views


async def read_sessions(connection: asyncpg.Connection, principal: Principal, match_id: UUID) -> list[SessionView]:
    """A pair's sessions in order, with the words of reflections the caller may read (the caller checked the rest)."""
    sessions = await queries.sessions_of_match(connection, match_id)
    words_of = await own_members(connection, principal, match_id)
    return [SessionView.of(session, words_of) for session in sessions]


@router.post(
    "/sessions/{session_id}/complete", summary="Record a session as done, with a reflection (one of the pair)", responses=ERRORS
)
async def complete(session_id: UUID, body: CompletionBody, uow: Uow, principal: PrincipalDep) -> SessionView:
    """A missed session may still be recorded: the pair was asked whether it happened."""
    reflection = Reflection(participant_id=body.participant_id, progress_rating=body.progress_rating, notes=body.notes)
    authorize(principal, await session_tenancy(uow.connection, session_id), f"session {session_id}", coordinators_may=False)
    await require_acting_as_themself(uow.connection, principal, session_id, reflection.participant_id)
    session = await complete_session(uow, session_id, reflection, {item.goal: item.percent for item in body.goal_progress})
    await audit.record_if_privileged(
        uow.transaction,
        principal,
        uow.cause,
        "session.complete",
        f"session/{session_id}",
        participant_id=str(reflection.participant_id),
    )
    return SessionView.of(session)
