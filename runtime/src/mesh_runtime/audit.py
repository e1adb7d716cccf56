"""The audit trail every service keeps of coordinator and admin actions, and of staff and platform
services reading people's personal data: written in the same transaction as the action (an action
that rolls back leaves no entry, one that commits always has one), read by the admins of the
institution at ``GET /audit``. The service's database role may add entries, never change or remove
one (mesh_runtime.migrations).

The trail is read newest first (by when, then by id), a page at a time, optionally filtered by action,
actor, resource and a time range; a page reads along the index of its filter (runtime migration 005)
the entries it shows and stops."""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator

from mesh_runtime.db import Cause, Transaction
from mesh_runtime.identity import Principal, Role
from mesh_runtime.identity.http import PrincipalDep, require_role
from mesh_runtime.index_order import in_index_order

router = APIRouter(tags=["audit"])


async def record(
    transaction: Transaction, principal: Principal, cause: Cause, action: str, resource: str, **details: Any
) -> None:
    await transaction.connection.execute(
        """
        INSERT INTO mesh_audit (actor_subject, actor_roles, client_id, token_id, action, resource, details, correlation_id)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        """,
        principal.subject,
        sorted(role.value for role in principal.roles),
        principal.client_id,
        principal.token_id,
        action,
        resource,
        details,
        cause.correlation_id,
    )


async def record_if_privileged(
    transaction: Transaction, principal: Principal, cause: Cause, action: str, resource: str, **details: Any
) -> None:
    """A change made by someone holding the coordinator or admin role is audited (e.g. an admin acting
    for a participant); a participant's own changes are their history, not an audit entry."""
    if principal.is_admin or principal.is_coordinator:
        await record(transaction, principal, cause, action, resource, **details)


async def record_reads(
    transaction: Transaction, principal: Principal, cause: Cause, resource: str, read: Mapping[str, Sequence[str]]
) -> None:
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


ACTION_RULE = "an action ('round.run') or the start of one ending in '.' ('round.'): words of a-z, 0-9, '_' and '-' joined by '.'"
RESOURCE_RULE = (
    "a resource ('program/first-year-stem') or the start of one ending in '/' ('program/'): parts of "
    "letters, digits and . _ : @ ~ - joined by '/'"
)
ACTOR_RULE = "an account id (a token's sub): 1 to 255 printable ASCII characters, no spaces"
_ACTION = re.compile(r"[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?")
_RESOURCE = re.compile(r"[A-Za-z0-9._:@~-]+(/[A-Za-z0-9._:@~-]+)*/?")
_ACTOR = re.compile(r"[!-~]{1,255}")


def _shaped(pattern: re.Pattern[str], rule: str) -> AfterValidator:
    def check(value: str | None) -> str | None:
        if value is not None and not pattern.fullmatch(value):
            raise ValueError(f"expected {rule}")
        return value

    return AfterValidator(check)


def _storable(value: datetime | None) -> datetime | None:
    """A time the database can compare: one whose offset moves it outside years 1-9999 is refused."""
    try:
        return value.astimezone(UTC) if value is not None else None
    except OverflowError as error:
        raise ValueError("the time is out of range once moved to UTC") from error


@dataclass(frozen=True, slots=True)
class AuditFilters:
    """Which entries a page lists; each given filter must hold (all of them together)."""

    action: str | None = None  # exact, or every action that starts with it when it ends with '.'
    actor: str | None = None  # the actor's account id, exact
    resource: str | None = None  # exact, or every resource that starts with it when it ends with '/'
    since: datetime | None = None  # at or after
    until: datetime | None = None  # before


_COLUMNS = "audit_id, at, actor_subject, actor_roles, client_id, token_id, action, resource, details, correlation_id"


async def read_trail(
    connection: asyncpg.Connection, institution: str, filters: AuditFilters, before: tuple[datetime, int] | None, limit: int
) -> list[AuditEntry]:
    """A page of the institution's trail, newest first (by when, then by id), after ``before`` (the
    last entry of the page before, as (at, audit_id)); read along the index of its most telling filter
    (runtime migration 005), so it reads the rows it shows, and, with several filters, the rows of
    one of them."""
    args: list[Any] = [institution]

    def arg(value: Any) -> str:
        args.append(value)
        return f"${len(args)}"

    where = ["institution = $1"]
    for value, column, first_word, separator in (
        (filters.action, "action", "action_family", "."),
        (filters.resource, "resource", "resource_kind", "/"),
    ):
        if value is None:
            continue
        if not value.endswith(separator):
            where.append(f"{column} = {arg(value)}")
            continue
        word = value[: value.index(separator) + 1]
        where.append(f"{first_word} = {arg(word)}")  # the index's column; a longer start is checked on its rows
        if value != word:
            where.append(f"starts_with({column}, {arg(value)})")
    if filters.actor is not None:
        where.append(f"actor_subject = {arg(filters.actor)}")
    if filters.since is not None:
        where.append(f"at >= {arg(filters.since)}")
    if filters.until is not None:
        where.append(f"at < {arg(filters.until)}")
    if before is not None:
        where.append(f"(at, audit_id) < ({arg(before[0])}, {arg(before[1])})")
    query = f"SELECT {_COLUMNS} FROM mesh_audit WHERE {' AND '.join(where)} ORDER BY at DESC, audit_id DESC LIMIT {arg(limit)}"
    return [AuditEntry.model_validate(dict(row)) for row in await in_index_order(connection, query, args)]


def _refused(where: str, message: str, value: Any) -> RequestValidationError:
    """A 422 (``invalid-request``) naming the parameter, as for any query that does not fit the schema."""
    return RequestValidationError([{"type": "value_error", "loc": ("query", where), "msg": message, "input": value}])


_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def _written_as_a_moment(value: Any) -> Any:
    """A time is written out (2026-03-01T00:00:00Z): a lax ``0.5`` would be read as seconds since 1970
    (fuzzing sent it and it was taken)."""
    if value is not None and not (isinstance(value, str) and _ISO_MOMENT.match(value)):
        raise ValueError("a time is written as ISO 8601 with an offset, such as 2026-03-01T00:00:00Z")
    return value


Time = Annotated[AwareDatetime | None, BeforeValidator(_written_as_a_moment), AfterValidator(_storable)]
Limit = Annotated[int, Query(ge=1, le=1000)]
Before = Annotated[
    int | None,
    Query(
        ge=1,
        le=2**63 - 1,  # audit_id is a bigint
        description="The `audit_id` of the last entry of the page before: only entries listed after it.",
    ),
]
ActionFilter = Annotated[
    str | None,
    Query(
        max_length=100,
        description="Only entries of this action (round.run), or of every action that starts with it "
        "when it ends with '.' (round.).",
    ),
    _shaped(_ACTION, ACTION_RULE),
]
ActorFilter = Annotated[
    str | None,
    Query(max_length=255, description="Only entries by this account (`actor_subject`, exact)."),
    _shaped(_ACTOR, ACTOR_RULE),
]
ResourceFilter = Annotated[
    str | None,
    Query(
        max_length=300,
        description="Only entries on this resource (program/first-year-stem), or on every resource that "
        "starts with it when it ends with '/' (program/).",
    ),
    _shaped(_RESOURCE, RESOURCE_RULE),
]
Since = Annotated[Time, Query(description="Only entries at or after this time (ISO 8601 with an offset: 2026-03-01T00:00:00Z).")]
Until = Annotated[Time, Query(description="Only entries before this time (ISO 8601 with an offset).")]


@router.get(
    "/audit",
    summary="Coordinator and admin actions in this service, newest first (admins of the institution)",
    description="The institution's entries, newest first (by `at`, then `audit_id`), `limit` at a time; the next "
    "page is `before=<audit_id of the last entry>` with the same filters. Each filter given must "
    "hold. 403 to anyone but an admin; an admin sees only their institution's entries. A filter of "
    "the wrong shape, a time without an offset, `until` not after `since`, or a `before` that is "
    "not an entry of this trail is a 422 (`invalid-request`) naming the parameter.",
    responses={403: {"description": "not an admin"}},
)
async def audit_trail(
    request: Request,
    principal: PrincipalDep,
    limit: Limit = 100,
    before: Before = None,
    action: ActionFilter = None,
    actor: ActorFilter = None,
    resource: ResourceFilter = None,
    since: Since = None,
    until: Until = None,
) -> list[AuditEntry]:
    require_role(principal, Role.ADMIN, "read the audit trail")
    if since is not None and until is not None and until <= since:
        raise _refused("until", "must be later than since", until.isoformat())
    filters = AuditFilters(action=action, actor=actor, resource=resource, since=since, until=until)
    async with request.app.state.components.database.transaction(principal.institution) as transaction:
        place = None
        if before is not None:
            at = await transaction.connection.fetchval("SELECT at FROM mesh_audit WHERE audit_id = $1", before)
            if at is None:  # none, or another institution's (row-level security): the same answer
                raise _refused(
                    "before",
                    "is not an entry of this audit trail: pass the audit_id of the last entry of the page before",
                    before,
                )
            place = (at, before)
        return await read_trail(transaction.connection, principal.institution, filters, place, limit)
