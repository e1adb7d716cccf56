"""A pair's agreement: what they work towards and how they meet. Either of the pair proposes a
version; it holds once the other confirms it, and a later version replaces it the same way, so
nothing changes without both."""

import enum
from dataclasses import dataclass, replace
from datetime import date, datetime
from uuid import UUID


class AgreementError(Exception):
    pass


class NotInPair(AgreementError):
    pass


class NothingToConfirm(AgreementError):
    """No proposal waits, it is another version, or its author tries to confirm it."""


class AgreementStatus(enum.StrEnum):
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"  # the one that holds
    SUPERSEDED = "superseded"  # replaced by a later proposal before or after it held


@dataclass(frozen=True, slots=True)
class Goal:
    description: str
    target_date: date | None = None


@dataclass(frozen=True, slots=True)
class Terms:
    goals: tuple[Goal, ...]
    expectations: tuple[str, ...]
    cadence: str
    meeting_mode: str
    session_minutes: int
    runs_until: date | None


@dataclass(frozen=True, slots=True)
class Agreement:
    match_id: UUID
    program_id: str
    version: int
    terms: Terms
    proposed_by: UUID
    proposed_at: datetime
    status: AgreementStatus = AgreementStatus.PROPOSED
    confirmed_by: UUID | None = None
    confirmed_at: datetime | None = None

    def confirm(self, by: UUID, version: int, pair: tuple[UUID, UUID], now: datetime) -> "Agreement":
        if by not in pair:
            raise NotInPair(f"participant {by} is not in match {self.match_id}")
        if self.status is not AgreementStatus.PROPOSED or version != self.version:
            raise NothingToConfirm(
                f"version {version} of the agreement of match {self.match_id} does not wait for "
                f"confirmation (version {self.version} is {self.status.value})"
            )
        if by == self.proposed_by:
            raise NothingToConfirm("the other one of the pair confirms an agreement, not who proposed it")
        return replace(self, status=AgreementStatus.CONFIRMED, confirmed_by=by, confirmed_at=now)


def propose(
    match_id: UUID, program_id: str, terms: Terms, by: UUID, pair: tuple[UUID, UUID], latest_version: int, now: datetime
) -> Agreement:
    """A new version, one past the latest; a proposal still waiting is replaced by it."""
    if by not in pair:
        raise NotInPair(f"participant {by} is not in match {match_id}")
    return Agreement(match_id, program_id, latest_version + 1, terms, by, now)
