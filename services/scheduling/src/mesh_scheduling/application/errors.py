"""Everything scheduling's use cases refuse, in one place: the adapters map each to an answer once
(``adapters/http/refusals.py``). The rules a session or an agreement enforces on itself raise the
domain's own refusals, named here too so that this module is the whole list."""

from mesh_scheduling.domain.agreement import AgreementError, NothingToConfirm, NotInPair
from mesh_scheduling.domain.session import AlreadyCompleted, NotInSession, NotMovable, SessionError

__all__ = [
    "AlreadyCompleted",
    "NoCalendarFeed",
    "NotInPair",
    "NotInSession",
    "NotMovable",
    "NothingToConfirm",
    "PairNotFormed",
    "SessionNotFound",
    "UnknownGoal",
]


class SessionNotFound(SessionError):
    """No session of that id here (or not in the caller's institution)."""


class UnknownGoal(SessionError):
    """Progress recorded against a goal the agreement that holds does not have (or with no agreement)."""


class PairNotFormed(AgreementError):
    """No formed pair of that match here (not both accepted yet), or it has ended."""


class NoCalendarFeed(Exception):
    """The participant has no calendar feed, or a feed URL names none (never made, or revoked)."""
