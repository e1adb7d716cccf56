"""Who may see and do what: one rule for every service.

- Another institution's resources do not exist for the caller (404), so existence never leaks.
- An admin may do everything inside their institution.
- A coordinator sees the resources of the programs they coordinate on their campuses.
- A participant acts on what is theirs; a resource on one of their campuses that is someone else's
  is known but forbidden (403); one on a campus they cannot see does not exist for them (404).
- A platform service reads, in any institution, only what a route opens to services (``services_may``):
  the personal data that events no longer carry.
"""

import enum
from dataclasses import dataclass

from mesh_runtime.identity.claims import Principal, Role


class Decision(enum.Enum):
    ALLOW = "allow"
    FORBIDDEN = "forbidden"  # 403
    HIDDEN = "hidden"  # 404


@dataclass(frozen=True, slots=True)
class Tenancy:
    """Where a resource lives, and whose it is."""

    institution: str
    campuses: frozenset[str]
    program_id: str | None = None
    owners: frozenset[str] = frozenset()  # subjects of the participants it belongs to


def decide(
    principal: Principal, resource: Tenancy, *, coordinators_may: bool = True, owners_may: bool = True, services_may: bool = False
) -> Decision:
    """``coordinators_may`` / ``owners_may`` / ``services_may``: whether the action is open to a
    coordinator of the resource's program, to the participant it belongs to, or to a platform service
    (an admin of the institution always may)."""
    if principal.is_service:
        return Decision.ALLOW if services_may else Decision.HIDDEN
    if principal.institution != resource.institution:
        return Decision.HIDDEN
    if principal.is_admin:
        return Decision.ALLOW
    coordinates = resource.program_id is not None and principal.coordinates(resource.program_id, resource.campuses)
    if coordinates and coordinators_may:
        return Decision.ALLOW
    if Role.PARTICIPANT in principal.roles and principal.subject in resource.owners and owners_may:
        return Decision.ALLOW
    return (
        Decision.FORBIDDEN
        if coordinates or principal.subject in resource.owners or (principal.campuses & resource.campuses)
        else Decision.HIDDEN
    )
