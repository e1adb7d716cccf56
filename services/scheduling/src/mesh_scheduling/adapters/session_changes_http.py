"""Routes for one of a pair to move, confirm a move of, or cancel a session."""

import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter
from pydantic import AfterValidator, AwareDatetime, BaseModel, Field

from mesh_runtime import audit
from mesh_runtime.app import Components
from mesh_runtime.db import Transaction
from mesh_runtime.dependencies import CauseDep, ComponentsDep, PrincipalDep, authorize, error_responses
from mesh_runtime.identity import Principal
from mesh_scheduling.adapters.access import require_acting_as_themself, session_tenancy
from mesh_scheduling.adapters.http import SessionView
from mesh_scheduling.adapters.postgres import PostgresSchedulingUnitOfWork
from mesh_scheduling.adapters.refusals import scheduling_refusals
from mesh_scheduling.application.cancel_session import cancel_session
from mesh_scheduling.application.move_session import confirm_move, move_session

router = APIRouter(tags=["sessions"])
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
async def reschedule(
    session_id: UUID, body: MoveBody, components: ComponentsDep, cause: CauseDep, principal: PrincipalDep
) -> SessionView:
    async with _acting(components, principal, session_id, body.participant_id) as transaction:
        uow = PostgresSchedulingUnitOfWork(transaction, components.source, cause)
        session = await move_session(uow, session_id, body.participant_id, body.starts_at, components.clock.now())
        await audit.record_if_privileged(transaction, principal, cause, "session.reschedule", f"session/{session_id}")
    return SessionView.of(session)


@router.post(
    "/sessions/{session_id}/reschedule/confirm",
    responses=ERRORS,
    summary="Confirm the new time the other one of the pair proposed",
)
async def confirm_reschedule(
    session_id: UUID, body: ConfirmBody, components: ComponentsDep, cause: CauseDep, principal: PrincipalDep
) -> SessionView:
    async with _acting(components, principal, session_id, body.participant_id) as transaction:
        uow = PostgresSchedulingUnitOfWork(transaction, components.source, cause)
        session = await confirm_move(uow, session_id, body.participant_id, components.clock.now())
        await audit.record_if_privileged(transaction, principal, cause, "session.confirm-move", f"session/{session_id}")
    return SessionView.of(session)


@router.post(
    "/sessions/{session_id}/cancel",
    responses=ERRORS,
    summary="Cancel a session with a reason (one of the pair); the series' next one is scheduled",
)
async def cancel(
    session_id: UUID, body: CancelBody, components: ComponentsDep, cause: CauseDep, principal: PrincipalDep
) -> SessionView:
    async with _acting(components, principal, session_id, body.participant_id) as transaction:
        uow = PostgresSchedulingUnitOfWork(transaction, components.source, cause)
        session = await cancel_session(uow, session_id, body.participant_id, body.reason, components.clock.now())
        await audit.record_if_privileged(transaction, principal, cause, "session.cancel", f"session/{session_id}")
    return SessionView.of(session)


@contextlib.asynccontextmanager
async def _acting(
    components: Components, principal: Principal, session_id: UUID, participant_id: UUID
) -> AsyncIterator[Transaction]:
    """A transaction in which the caller acts on a session of their own pair, as themself."""
    async with scheduling_refusals(), components.database.transaction(principal.institution) as transaction:
        authorize(
            principal, await session_tenancy(transaction.connection, session_id), f"session {session_id}", coordinators_may=False
        )
        await require_acting_as_themself(transaction.connection, principal, session_id, participant_id)
        yield transaction
