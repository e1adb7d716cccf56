"""Every refusal matching's use cases raise, and what each one means; ``adapters/http/refusals.py``
answers each with its status and problem kind.

A refusal with members (what a client reads besides the words: the match it collides with, when
it may try again) keeps them in ``members``. The match's and the program's own rules raise theirs
from the domain (``MatchError``, ``MatchClosed``, ``NotAParticipant``, ``NotProposing``), which
cannot import this layer: they are declared there and named here."""

from mesh_matching.domain.match import MatchClosed, MatchError, NotAParticipant
from mesh_matching.domain.program import NotProposing

__all__ = [
    "AdminsOnly",
    "AlreadyMatched",
    "CandidatePolicy",
    "CapacityExhausted",
    "HandProposalRefused",
    "MatchClosed",
    "MatchError",
    "MatchNotFound",
    "NoRoom",
    "NotAParticipant",
    "NotAnActiveParticipant",
    "NotInPool",
    "ParticipantNotFound",
    "NotProposing",
    "NudgeNotFound",
    "NudgeRefused",
    "NudgedRecently",
    "PairEnded",
    "PairExcluded",
    "PairNotFormed",
    "PreviewNotFound",
    "PreviewNotReady",
    "PreviewRefused",
    "PreviewRunning",
    "PreviewStale",
    "ProgramClosed",
    "ReasonRequired",
    "Refused",
    "RolesDoNotFitByHand",
    "SamePerson",
    "UnknownCampus",
    "UnknownProgram",
]


class Refused(MatchError):
    """A refusal that says more than its words: ``members``, each set one shown as it is."""

    def __init__(self, detail: str, **members: object) -> None:
        super().__init__(detail)
        self.members = {name: value for name, value in members.items() if value is not None}


class MatchNotFound(MatchError):
    """No such match (or none the caller's institution holds)."""


class CapacityExhausted(MatchError):
    """The database refused the place: the pair cannot be formed now."""


class NotInPool(MatchError):
    """The participant is unknown to matching, has left, or has no room left."""


class ReasonRequired(MatchError):
    """Staff end a pair for one of them only early, and with a reason both partners read."""


# A coordinator's proposal by hand (``propose_by_hand``): where the platform's own rules would be broken.
class HandProposalRefused(Refused):
    pass


class SamePerson(HandProposalRefused):
    """One person named twice."""


class ProgramClosed(HandProposalRefused):
    """The program makes no more matches."""


class NotAnActiveParticipant(HandProposalRefused):
    """Either is not (or no longer) taking part in the program."""


class PairExcluded(HandProposalRefused):
    """The two were proposed to each other before: matching never proposes a pair twice."""


class RolesDoNotFitByHand(HandProposalRefused):
    """Neither can mentor the other, and they are not both peers."""


class AlreadyMatched(HandProposalRefused):
    """Either holds an open match in a role that allows one partner at a time (a mentee's, a peer's)."""


class NoRoom(HandProposalRefused):
    """Either has no place left."""


# A coordinator's nudge (``nudge_pair``).
class NudgeRefused(Refused):
    pass


class PairEnded(NudgeRefused):
    """The pair has ended: there is no pair to check in on."""


class PairNotFormed(NudgeRefused):
    """Only a pair both accepted may be nudged."""


class NudgedRecently(NudgeRefused):
    """One nudge a pair in 24 hours; ``retry_after_seconds`` says when the next may go."""


# Publishing a round preview (``publish_preview``).
class PreviewNotFound(MatchError):
    """No such preview in the program."""


class PreviewRunning(Refused):
    """One preview runs at a time per program: ``preview_id`` names the one running."""


class PreviewRefused(Refused):
    pass


class PreviewNotReady(PreviewRefused):
    """Still running, failed or interrupted."""


class PreviewStale(PreviewRefused):
    """The program's pool or policy changed since it was previewed (it is kept marked so)."""


class CandidatePolicy(PreviewRefused):
    """Planned under a candidate policy that is not saved."""


# What reads refuse (the coordinators' console): what the caller may not see, or asked wrongly for.
class UnknownProgram(MatchError):
    """No program of that id that matching knows in the institution."""


class UnknownCampus(MatchError):
    """No campus of that name among those the caller may see."""


class AdminsOnly(MatchError):
    """Only an admin of the institution reads this (its health as a whole)."""


class ParticipantNotFound(MatchError):
    """No such participant in the program."""


class NudgeNotFound(MatchError):
    """No such nudge of the match."""
