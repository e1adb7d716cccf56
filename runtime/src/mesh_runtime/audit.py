"""The audit trail every service keeps of coordinator and admin actions, and of staff and platform
services reading people's personal data: written in the same transaction as the action (an action
that rolls back leaves no entry, one that commits always has one), read by the admins of the
institution at ``GET /audit``. The service's database role may add entries, never change or remove
one (mesh_runtime.migrations)."""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from mesh_runtime.db import Cause, Transaction
from mesh_runtime.identity import Principal, Role
from mesh_runtime.identity.http import PrincipalDep, require_role

router = APIRouter(tags=["audit"])


async def record(transaction: Transaction, principal: Principal, cause: Cause, action: str, resource: str,
                 **details: Any) -> None:
    await transaction.connection.execute(
        """
        INSERT INTO mesh_audit (actor_subject, actor_roles, client_id, token_id, action, resource, details, correlation_id)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        """,
        principal.subject, sorted(role.value for role in principal.roles), principal.client_id, principal.token_id,
        action, resource, details, cause.correlation_id,
    )


async def record_if_privileged(transaction: Transaction, principal: Principal, cause: Cause, action: str, resource: str,
                               **details: Any) -> None:
    """A change made by someone holding the coordinator or admin role is audited (e.g. an admin acting
    for a participant); a participant's own changes are their history, not an audit entry."""
    if principal.is_admin or principal.is_coordinator:
        await record(transaction, principal, cause, action, resource, **details)


async def record_reads(transaction: Transaction, principal: Principal, cause: Cause, resource: str,
                       read: Mapping[str, Sequence[str]]) -> None:
    """Staff (coordinators, admins) and platform services reading people's personal data: one entry per
    institution read, naming whom, in that institution's trail (a service reads across institutions).
    A person reading their own data is not audited."""
    if not (principal.is_admin or principal.is_coordinator or principal.is_service):
        return
    acting_in = transaction.tenant
    for institution, whom in read.items():
        if whom:
            await transaction.act_in(institution)
            await record(transaction, principal, cause, "personal_data.read", resource, ids=sorted(set(whom)))
    if acting_in is not None:
        await transaction.act_in(acting_in)


class AuditEntry(BaseModel):
    audit_id: int
    at: datetime
    actor_subject: str
    actor_roles: list[str]
    client_id: str | None
    token_id: str | None
    action: str
    resource: str
    details: dict[str, Any]
    correlation_id: UUID | None


@router.get("/audit", summary="Coordinator and admin actions in this service, newest first (admins of the institution)",
            responses={403: {"description": "not an admin"}})
async def audit_trail(request: Request, principal: PrincipalDep,
                      limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                      before: Annotated[int | None, Query(ge=1, le=2**63 - 1,  # audit_id is a bigint
                                                          description="Only entries older than this audit_id.")] = None,
                      ) -> list[AuditEntry]:
    require_role(principal, Role.ADMIN, "read the audit trail")
    async with request.app.state.components.database.transaction(principal.institution) as transaction:
        rows = await transaction.connection.fetch(
            """
            SELECT * FROM mesh_audit WHERE ($1::bigint IS NULL OR audit_id < $1)
            ORDER BY audit_id DESC LIMIT $2
            """, before, limit)
    return [AuditEntry.model_validate(dict(row)) for row in rows]
