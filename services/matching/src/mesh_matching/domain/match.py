"""The match aggregate: proposed to two participants, accepted by both, declined by one, or expired.

Rules: only the two participants answer; a proposal past its expiry cannot be accepted and is
expired; once declined or expired it stays so; the pair is formed (accepted) when both accepted.
"""

import enum
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from uuid import UUID

PROPOSAL_LIFETIME = timedelta(days=7)  # a proposal not answered by both in this time expires


class MatchStatus(enum.StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    ENDED = "ended"


class MatchError(Exception):
    """A request the match's rules refuse."""


class NotAParticipant(MatchError):
    pass


class MatchClosed(MatchError):
    pass


@dataclass(frozen=True, slots=True)
class Match:
    match_id: UUID
    program_id: str
    topic: str
    kind: str
    participants: tuple[UUID, UUID]
    roles: tuple[str, str]
    score: float
    proposed_at: datetime
    expires_at: datetime
    status: MatchStatus = MatchStatus.PROPOSED
    accepted_by: frozenset[UUID] = field(default_factory=frozenset)
    # Proposals by matching hold both places from the start; a participant's own request takes
    # them only when the pair is formed, so many requests never block anyone's capacity.
    capacity_reserved: bool = True
    closing_reason: str | None = None  # why it was declined or ended, in words (shown on the match, never on an event)
    formed_at: datetime | None = None  # when the second acceptance made it a pair
    # When each of the pair accepted (in the order of ``participants``; None: not, or not known), who
    # declined it, and when it was declined, lapsed or ended: a participant's history reads them.
    accepted_at: tuple[datetime | None, datetime | None] = (None, None)
    declined_by: UUID | None = None
    closed_at: datetime | None = None

    def _check_can_answer(self, participant_id: UUID, now: datetime) -> None:
        if participant_id not in self.participants:
            raise NotAParticipant(f"participant {participant_id} is not part of match {self.match_id}")
        if self.status is not MatchStatus.PROPOSED:
            raise MatchClosed(f"match {self.match_id} is already {self.status.value}")
        if now >= self.expires_at:
            raise MatchClosed(f"the proposal expired at {self.expires_at.isoformat()}")

    def accept(self, participant_id: UUID, now: datetime) -> "Match":
        """Returns the match after this acceptance; ``status`` is ACCEPTED once both have."""
        if self.status is MatchStatus.ACCEPTED and participant_id in self.accepted_by:
            return self  # accepting twice is harmless
        self._check_can_answer(participant_id, now)
        accepted = self.accepted_by | {participant_id}
        first, second = self.participants
        when = (
            self.accepted_at[0] or (now if participant_id == first else None),
            self.accepted_at[1] or (now if participant_id == second else None),
        )
        if accepted != set(self.participants):
            return replace(self, accepted_by=frozenset(accepted), accepted_at=when)
        return replace(self, accepted_by=frozenset(accepted), accepted_at=when, status=MatchStatus.ACCEPTED, formed_at=now)

    def decline(self, participant_id: UUID, now: datetime, reason: str | None = None) -> "Match":
        self._check_can_answer(participant_id, now)
        return replace(self, status=MatchStatus.DECLINED, closing_reason=reason, declined_by=participant_id, closed_at=now)

    def expire(self, now: datetime) -> "Match":
        """A proposal still open at its expiry lapses; anything else is left as it is."""
        if self.status is not MatchStatus.PROPOSED or now < self.expires_at:
            return self
        return replace(self, status=MatchStatus.EXPIRED, closed_at=now)

    def end(self, now: datetime, reason: str | None = None) -> "Match":
        """A formed pair stops; anything not yet formed cannot end (it is declined or expires)."""
        if self.status is not MatchStatus.ACCEPTED:
            raise MatchClosed(f"match {self.match_id} is {self.status.value}, not a formed pair")
        return replace(self, status=MatchStatus.ENDED, closing_reason=reason, closed_at=now)

    def stop_with_program(self, now: datetime, reason: str) -> "Match":
        """The program closed: a proposal lapses (nobody declined it) and a formed pair ends, both with the reason."""
        if self.status is MatchStatus.PROPOSED:
            return replace(self, status=MatchStatus.EXPIRED, closing_reason=reason, closed_at=now)
        return self.end(now, reason)

    @property
    def holds_places(self) -> bool:
        """Whether closing this match gives places back."""
        return self.capacity_reserved or self.status in (MatchStatus.ACCEPTED, MatchStatus.ENDED)

    def partner_of(self, participant_id: UUID) -> UUID:
        first, second = self.participants
        return second if participant_id == first else first
