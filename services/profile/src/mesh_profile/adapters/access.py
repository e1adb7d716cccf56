"""Where a participant lives and whose they are, for the runtime's access rule, and who a person acting
as themself is. Read inside the caller's tenant transaction: row-level security already hides other
institutions."""

from mesh_profile.domain.erasure import Erasure
from mesh_profile.domain.participant import Participant
from mesh_profile.domain.person import Person
from mesh_profile.domain.vouched import Vouched
from mesh_runtime.identity import Principal, Tenancy


def participant_tenancy(participant: Participant, erasure: Erasure | None = None, asking: str | None = None) -> Tenancy:
    """Where a participant lives and whose they are, for the access rule. An erased participant has no
    account any more; whoever asked for the erasure (``asking``, if it was them) may still follow it."""
    owners = {participant.subject} if participant.subject else set()
    if erasure is not None and asking is not None and erasure.requested_by_account(asking):
        owners.add(asking)
    return Tenancy(
        participant.institution, frozenset({participant.profile.campus}), participant.profile.program_id, frozenset(owners)
    )


def person_of(principal: Principal) -> Person:
    """The caller as their institution vouches for them (their token): campuses, verified email, facts."""
    return Person(
        frozenset(principal.campuses),
        principal.email,
        Vouched.of(principal.affiliation, principal.year_of_study, principal.department),
    )
