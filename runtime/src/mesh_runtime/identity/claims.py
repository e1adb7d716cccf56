"""From a verified token's claims to the principal a request acts as.

Where roles, institution and campuses sit in a token differs by identity provider (Keycloak's
protocol mappers, Entra ID's ``roles``, Okta's ``groups``, attributes released by a university's
Shibboleth through Keycloak), so claim paths and role names are configuration, not code.
"""

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mentoring_contracts.envelope import RESERVED_TENANT

INSTITUTION_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
UNASSIGNED = RESERVED_TENANT  # the tenant of rows from before identity (migrations): no token may name it


def is_institution_id(value: str) -> bool:
    """An institution's id as a token, a feed URL or an event may name one: never the reserved tenant."""
    return INSTITUTION_ID.fullmatch(value) is not None and value != UNASSIGNED


EVERY_INSTITUTION = "*"  # where a platform service acts: only on the routes open to services (reads)
# The platform's own OAuth clients: the apps people sign in to, and the services reading each other.
PEOPLES_CLIENTS = ("mesh-cli", "mesh-web", "mesh-automation")
SERVICE_CLIENTS = ("mesh-profile", "mesh-matching", "mesh-scheduling", "mesh-notify")


class Role(enum.StrEnum):
    PARTICIPANT = "participant"
    COORDINATOR = "coordinator"
    ADMIN = "admin"
    SERVICE = "service"  # a platform service (client credentials), never a person


class ClaimsIncomplete(Exception):
    """A token verified but does not say who, or in which institution, its bearer is."""


@dataclass(frozen=True, slots=True)
class ClaimMapping:
    """Which claim (a dotted path into the token, e.g. ``realm_access.roles``) holds what, and which
    values of the roles claim stand for the platform's three roles."""

    subject: str = "sub"
    roles: str = "roles"
    institution: str = "institution"
    campuses: str = "campuses"
    programs: str = "programs"
    email: str = "email"
    # Facts of the person that programs' participation rules read: from the institution, never from
    # the person (a student must not declare themself staff). Absent from a token: not vouched for.
    affiliation: str = "affiliation"
    year_of_study: str = "year_of_study"
    department: str = "department"
    role_names: Mapping[Role, str] | None = None
    # Only these clients' tokens may carry the service role: a role string alone (one mis-mapped
    # group) must not make a person a reader of every institution.
    service_clients: frozenset[str] = frozenset(SERVICE_CLIENTS)
    # True only for an IdP that releases verified addresses alone and sends no ``email_verified``.
    email_verified_by_default: bool = False
    # True for an IdP that sends roles or campuses as one space-delimited string (as OAuth's scope).
    space_delimited_lists: bool = False

    def role_of(self, value: str) -> Role | None:
        names = {role: role.value for role in Role} | dict(self.role_names or {})
        return next((role for role, name in names.items() if name == value), None)


@dataclass(frozen=True, slots=True)
class Principal:
    """Who a request acts as: an account at the institution's identity provider."""

    subject: str
    institution: str
    campuses: frozenset[str]
    roles: frozenset[Role]
    programs: frozenset[str] = frozenset()  # a coordinator's programs; empty: every program on their campuses
    client_id: str | None = None
    token_id: str | None = None
    email: str | None = None  # the address the institution vouches for (email_verified, or the IdP's setting)
    affiliation: str | None = None  # as the institution says: student, staff, faculty...
    year_of_study: int | None = None
    department: str | None = None

    @property
    def is_service(self) -> bool:
        return Role.SERVICE in self.roles

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles

    @property
    def is_coordinator(self) -> bool:
        return Role.COORDINATOR in self.roles

    def coordinates(self, program_id: str, campuses: frozenset[str] | set[str]) -> bool:
        """A coordinator of this program on at least one of these campuses."""
        return self.is_coordinator and bool(self.campuses & set(campuses)) and (not self.programs or program_id in self.programs)


def principal_from_claims(claims: Mapping[str, Any], mapping: ClaimMapping) -> Principal:
    subject = _text(_claim(claims, mapping.subject))
    if not subject:
        raise ClaimsIncomplete(f"token has no subject claim {mapping.subject!r}")
    values = _values_split_on_spaces if mapping.space_delimited_lists else _values
    roles = {role for value in values(_claim(claims, mapping.roles)) if (role := mapping.role_of(value)) is not None}
    client = _text(claims.get("azp") or claims.get("client_id"))
    if Role.SERVICE in roles:  # a platform service: no person's role, no one institution
        _require_platform_service(claims, mapping, client)
        return Principal(
            subject=subject,
            institution=EVERY_INSTITUTION,
            campuses=frozenset(),
            roles=frozenset({Role.SERVICE}),
            client_id=client,
            token_id=_text(claims.get("jti")),
        )
    institution = _text(_claim(claims, mapping.institution))
    if not institution:
        raise ClaimsIncomplete(f"token has no institution claim {mapping.institution!r}")
    if not is_institution_id(institution):
        raise ClaimsIncomplete(
            f"institution claim {institution!r} is not an institution's id (lower-case letters, "
            f"digits, dashes; {UNASSIGNED!r} is reserved for rows from before identity)"
        )
    return Principal(
        subject=subject,
        institution=institution,
        campuses=frozenset(values(_claim(claims, mapping.campuses))),
        roles=frozenset(roles),
        programs=frozenset(values(_claim(claims, mapping.programs))),
        client_id=client,
        token_id=_text(claims.get("jti")),
        email=_text(_claim(claims, mapping.email)) if _email_vouched_for(claims, mapping) else None,
        affiliation=_lower(_text(_claim(claims, mapping.affiliation))),
        year_of_study=_whole_number(_claim(claims, mapping.year_of_study)),
        department=_text(_claim(claims, mapping.department)),
    )


def _require_platform_service(claims: Mapping[str, Any], mapping: ClaimMapping, client: str | None) -> None:
    """The service role counts only in a token of one of the platform's service clients, and one that
    names no institution (a person's token, whatever its roles, always does)."""
    if client not in mapping.service_clients:
        raise ClaimsIncomplete(f"the service role is only for the platform's service clients, not client {client!r}")
    if _claim(claims, mapping.institution) is not None:
        raise ClaimsIncomplete("a platform service's token names no institution")


def _email_vouched_for(claims: Mapping[str, Any], mapping: ClaimMapping) -> bool:
    """An address counts as the person's only when the IdP says it verified it (``email_verified``
    true), or, for an IdP configured as releasing verified addresses only, when it does not deny it."""
    verified = claims.get("email_verified")
    return verified is True or (verified is None and mapping.email_verified_by_default)


def _claim(claims: Mapping[str, Any], path: str) -> Any:
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _text(value: Any) -> str | None:
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    return value.strip() or None if isinstance(value, str) else None


def _lower(value: str | None) -> str | None:
    return value.lower() if value is not None else None


def _whole_number(value: Any) -> int | None:
    """A number claim; directories often release numbers as text ("2"). Anything else: none."""
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _values(value: Any) -> list[str]:
    """A list claim; a single string is one value (a group named "Study, admin" grants nothing)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, list):
        return [item.strip() for item in value if isinstance(item, str) and item.strip()]
    return []


def _values_split_on_spaces(value: Any) -> list[str]:
    """As ``_values``, but a string is a space-delimited list (configured per IdP)."""
    return value.split() if isinstance(value, str) else _values(value)
