"""Session changes: one of a pair moves a session, confirms a move the other proposed, or cancels it."""

from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter
from pydantic import AfterValidator, AwareDatetime, BaseModel, Field

from mesh_runtime import audit
from mesh_runtime.dependencies import PrincipalDep, authorize, error_responses
from mesh_runtime.identity import Principal
from mesh_scheduling.adapters.access import require_acting_as_themself, session_tenancy
from mesh_scheduling.adapters.http.dependencies import Uow
from mesh_scheduling.adapters.http.sessions import SessionView
from mesh_scheduling.application.cancel_session import cancel_session
from mesh_scheduling.application.move_session import confirm_move, move_session

router: APIRouter = APIRouter(tags=["sessions"])
ERRORS = error_responses(403, 404, 409)
EARLIEST, LATEST = datetime(2000, 1, 1, tzinfo=UTC), datetime(3000, 1, 1, tzinfo=UTC)


def _calendar_time(value: datetime) -> datetime:
    """A session moves to a time between the years 2000 and 2999 (UTC)."""
    # Near the ends of what datetime holds, the session's end (start + length) and the conversion
    # to UTC overflow: refused here, as a 422, rather than as a 500 in the use case. (Comparing
    # aware times does not overflow.)
    if not EARLIEST <= value < LATEST:
        raise ValueError("a session moves to a time between the years 2000 and 2999")
    return value


class MoveBody(BaseModel):
    participant_id: UUID = Field(description="Who moves it: one of the pair, acting as themself.")
    starts_at: Annotated[AwareDatetime, AfterValidator(_calendar_time)] = Field(
        description="The new start, with its offset, in the years 2000 to 2999; the session keeps its length."
    )


class ConfirmBody(BaseModel):
    participant_id: UUID = Field(description="The other one of the pair.")


class CancelBody(BaseModel):
    participant_id: UUID = Field(description="Who cancels: one of the pair, acting as themself.")
    reason: str = Field(
        min_length=1,
        max_length=1000,
        description="Why, in their words: kept in scheduling, shown to the pair and their coordinators, never put on an event.",
    )


@router.post(
    "/sessions/{session_id}/reschedule",
    responses=ERRORS,
    summary="Move a session (one of the pair): inside both availabilities at once, else once the other confirms",
)
async def reschedule(session_id: UUID, body: MoveBody, uow: Uow, principal: PrincipalDep) -> SessionView:
    await _require_acting(uow, principal, session_id, body.participant_id)
    session = await move_session(uow, session_id, body.participant_id, body.starts_at)
    await audit.record_if_privileged(uow.transaction, principal, uow.cause, "session.reschedule", f"session/{session_id}")
    return SessionView.of(session)


@router.post(
    "/sessions/{session_id}/reschedule/confirm",
    responses=ERRORS,
    summary="Confirm the new time the other one of the pair proposed",
)
async def confirm_reschedule(session_id: UUID, body: ConfirmBody, uow: Uow, principal: PrincipalDep) -> SessionView:
    await _require_acting(uow, principal, session_id, body.participant_id)
    session = await confirm_move(uow, session_id, body.participant_id)
    await audit.record_if_privileged(uow.transaction, principal, uow.cause, "session.confirm-move", f"session/{session_id}")
    return SessionView.of(session)


@router.post(
    "/sessions/{session_id}/cancel",
    responses=ERRORS,
    summary="Cancel a session with a reason (one of the pair); the series' next one is scheduled",
)
async def cancel(session_id: UUID, body: CancelBody, uow: Uow, principal: PrincipalDep) -> SessionView:
    await _require_acting(uow, principal, session_id, body.participant_id)
    session = await cancel_session(uow, session_id, body.participant_id, body.reason)
    await audit.record_if_privileged(uow.transaction, principal, uow.cause, "session.cancel", f"session/{session_id}")
    return SessionView.of(session)


async def _require_acting(uow: Uow, principal: Principal, session_id: UUID, participant_id: UUID) -> None:
    """The caller acts on a session of their own pair, as themself (an admin may for them)."""
    authorize(principal, await session_tenancy(uow.connection, session_id), f"session {session_id}", coordinators_may=False)
    await require_acting_as_themself(uow.connection, principal, session_id, participant_id)
