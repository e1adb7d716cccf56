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

INSTITUTION_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
UNASSIGNED = "unassigned"  # the tenant of rows from before identity (migrations): no token may name it
EVERY_INSTITUTION = "*"  # where a platform service acts: only on the routes open to services (reads)


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
    role_names: Mapping[Role, str] | None = None

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
    email: str | None = None  # the address the institution vouches for (not marked unverified)

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
        return self.is_coordinator and bool(self.campuses & set(campuses)) and (
            not self.programs or program_id in self.programs)


def principal_from_claims(claims: Mapping[str, Any], mapping: ClaimMapping) -> Principal:
    subject = _text(_claim(claims, mapping.subject))
    if not subject:
        raise ClaimsIncomplete(f"token has no subject claim {mapping.subject!r}")
    roles = {mapping.role_of(value) for value in _values(_claim(claims, mapping.roles))} - {None}
    if Role.SERVICE in roles:  # a platform service: no person's role, no one institution
        return Principal(subject=subject, institution=EVERY_INSTITUTION, campuses=frozenset(),
                         roles=frozenset({Role.SERVICE}), client_id=_text(claims.get("azp") or claims.get("client_id")),
                         token_id=_text(claims.get("jti")))
    institution = _text(_claim(claims, mapping.institution))
    if not institution:
        raise ClaimsIncomplete(f"token has no institution claim {mapping.institution!r}")
    if not INSTITUTION_ID.fullmatch(institution) or institution == UNASSIGNED:
        raise ClaimsIncomplete(f"institution claim {institution!r} is not an institution's id (lower-case letters, "
                               f"digits, dashes; {UNASSIGNED!r} is reserved for rows from before identity)")
    return Principal(
        subject=subject,
        institution=institution,
        campuses=frozenset(_values(_claim(claims, mapping.campuses))),
        roles=frozenset(roles),  # type: ignore[arg-type]
        programs=frozenset(_values(_claim(claims, mapping.programs))),
        client_id=_text(claims.get("azp") or claims.get("client_id")),
        token_id=_text(claims.get("jti")),
        email=None if claims.get("email_verified") is False else _text(_claim(claims, mapping.email)),
    )


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


def _values(value: Any) -> list[str]:
    """A list claim, or one string of values separated by spaces or commas (as some IdPs send)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [part for part in value.replace(",", " ").split() if part]
    if isinstance(value, list):
        return [item.strip() for item in value if isinstance(item, str) and item.strip()]
    return []
