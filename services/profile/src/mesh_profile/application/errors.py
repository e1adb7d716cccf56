"""Every refusal of profile's use cases, in one place; adapters/http/refusals.py answers each once.

The rules of a participant and of a program refuse in the domain (``ProfileError`` and its kinds are
declared beside those rules, which cannot see this layer); they are named here too, so that this
module lists all that a use case may raise."""

from mesh_profile.domain.eligibility import Violation
from mesh_profile.domain.participant import (
    AlreadyClaimed,
    AlreadyJoined,
    MentoringAwaitsApproval,
    NotActive,
    ProfileError,
    ProgramIsFixed,
)
from mesh_profile.domain.program import ProgramClosedForChanges, ProgramIdTaken
from mesh_profile.domain.vouched import NotVouched

__all__ = [
    "AlreadyClaimed",
    "AlreadyJoined",
    "MentoringAwaitsApproval",
    "NoPlaceLeft",
    "NoVouchedEmail",
    "NotActive",
    "NotEligible",
    "NotVouched",
    "NotVouchedOnJoin",
    "NotYourCampus",
    "NotYourEmail",
    "ParticipantNotFound",
    "ProfileError",
    "ProgramClosedForChanges",
    "ProgramIdTaken",
    "ProgramIsFixed",
    "ProgramNotFound",
]

CAPACITY = "capacity-"  # the rule id of a role with no places left: capacity-<role>


class ProgramNotFound(ProfileError):
    pass


class ParticipantNotFound(ProfileError):
    pass


class NotEligible(ProfileError):
    """The profile fails some of the program's rules; each is named."""

    def __init__(self, program_id: str, failed: list[Violation]) -> None:
        rules = ", ".join(violation.rule_id for violation in failed)
        super().__init__(f"{len(failed)} of program {program_id!r}'s participation rules refuse this profile: {rules}")
        self.program_id = program_id
        self.violations = failed

    @classmethod
    def of(cls, program_id: str, failed: list[Violation]) -> "NotEligible":
        """NoPlaceLeft when the profile fits and only places are lacking."""
        only_capacity = all(violation.rule_id.startswith(CAPACITY) for violation in failed)
        return (NoPlaceLeft if only_capacity else cls)(program_id, failed)


class NoPlaceLeft(NotEligible):
    """The profile fits the program's rules, but a role it takes has no place left."""


class NotVouchedOnJoin(NotVouched):
    """A join that declares a fact the institution did not give: refused as not eligible, naming the field
    (a participant's own profile change that does so is refused as NotVouched)."""


class NotYourCampus(ProfileError):
    """A person joins, claims and moves only on a campus of their own."""

    def __init__(self, campus: str) -> None:
        super().__init__(f"campus {campus!r} is not one of yours")


class NoVouchedEmail(ProfileError):
    """The person's institution vouches for no email address of theirs (their token carries no verified
    email): without one, a person could join with anyone's (and a roster would then adopt them as that
    person)."""


class NotYourEmail(ProfileError):
    """Mail goes where the institution says the person is: nobody joins with, or changes to, someone
    else's address."""

    def __init__(self, vouched: str) -> None:
        super().__init__(f"the email must be the one your institution gives for you ({vouched})")
