"""What scheduling's use cases refuse (``application/errors.py``), answered once for every route:
each its status and its problem kind."""

from mesh_runtime.refusals import Refusal, RefusalTable
from mesh_scheduling.application.errors import (
    AlreadyCompleted,
    NoCalendarFeed,
    NothingToConfirm,
    NotInPair,
    NotInSession,
    NotMovable,
    PairNotFormed,
    SessionNotFound,
    UnknownGoal,
)

REFUSALS: RefusalTable = {
    SessionNotFound: Refusal(404, "session-not-found"),
    NoCalendarFeed: Refusal(404, "no-calendar-feed"),
    NotInSession: Refusal(403, "not-in-session"),
    NotInPair: Refusal(403, "not-in-pair"),
    AlreadyCompleted: Refusal(409, "session-not-upcoming"),
    NotMovable: Refusal(409, "session-not-movable"),
    PairNotFormed: Refusal(409, "pair-not-formed"),
    NothingToConfirm: Refusal(409, "nothing-to-confirm"),
    UnknownGoal: Refusal(422, "unknown-goal"),
}
