"""What matching needs to know of a program: whether it still runs, and who makes its pairs."""

from dataclasses import dataclass

from mesh_matching.domain.match import MatchError


class NotProposing(MatchError):
    """The program is closed, or does not make pairs this way."""


@dataclass(frozen=True, slots=True)
class ProgramStanding:
    program_id: str
    open: bool = True
    matchmaking: str = "both"  # coordinator_rounds, self_selection, or both

    @property
    def matching_proposes(self) -> bool:
        """Matching proposes pairs (on joining, on a freed place, in coordinators' rounds)."""
        return self.open and self.matchmaking != "self_selection"

    @property
    def participants_choose(self) -> bool:
        """Participants ask partners themselves."""
        return self.open and self.matchmaking != "coordinator_rounds"

    def require_rounds(self) -> None:
        if not self.open:
            raise NotProposing(f"program {self.program_id!r} is closed: it makes no more matches")
        if not self.matching_proposes:
            raise NotProposing(f"program {self.program_id!r} makes pairs by self-selection only: no coordinator rounds")

    def require_requests(self) -> None:
        if not self.open:
            raise NotProposing(f"program {self.program_id!r} is closed: it makes no more matches")
        if not self.participants_choose:
            raise NotProposing(
                f"program {self.program_id!r} makes pairs in coordinators' rounds only: "
                "participants do not ask partners themselves"
            )
