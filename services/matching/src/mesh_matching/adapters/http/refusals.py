"""What matching's use cases and reads refuse (``application/errors.py``), answered once for every
route: each its status and its problem kind, and the members a client reads besides the words."""

from typing import Any

from pydantic import TypeAdapter

from mesh_matching.application.errors import (
    AdminsOnly,
    AlreadyMatched,
    CandidatePolicy,
    CapacityExhausted,
    MatchClosed,
    MatchError,
    MatchNotFound,
    NoRoom,
    NotAnActiveParticipant,
    NotAParticipant,
    NotInPool,
    NotProposing,
    NudgedRecently,
    NudgeNotFound,
    PairEnded,
    PairExcluded,
    PairNotFormed,
    ParticipantNotFound,
    PreviewNotFound,
    PreviewNotReady,
    PreviewRunning,
    PreviewStale,
    ProgramClosed,
    ReasonRequired,
    Refused,
    RolesDoNotFitByHand,
    SamePerson,
    UnknownCampus,
    UnknownProgram,
)
from mesh_runtime.refusals import Refusal, RefusalTable

_JSON: TypeAdapter[object] = TypeAdapter(object)


def members(refused: Refused) -> dict[str, Any]:
    """A refusal's members as the API writes values (times as its other times)."""
    return {name: _JSON.dump_python(value, mode="json") for name, value in refused.members.items()}


def _retry_after(refused: Refused) -> dict[str, str]:
    wait = refused.members.get("retry_after_seconds")
    return {"Retry-After": str(wait)} if wait else {}


def _without_wait(refused: Refused) -> dict[str, Any]:
    """The wait is a header, not a member."""
    return {name: value for name, value in members(refused).items() if name != "retry_after_seconds"}


def _refused(status: int, kind: str) -> Refusal:
    return Refusal(status, kind, members=members)


REFUSALS: RefusalTable = {
    MatchError: Refusal(409, "match-refused"),  # any other rule of a match's
    MatchNotFound: Refusal(404, "match-not-found"),
    NotAParticipant: Refusal(403, "not-a-participant"),
    MatchClosed: Refusal(409, "match-closed"),
    CapacityExhausted: Refusal(409, "capacity-exhausted"),
    ReasonRequired: Refusal(422, "reason-required"),
    NotInPool: Refusal(409, "not-in-pool"),
    NotProposing: Refusal(409, "program-not-proposing"),
    SamePerson: _refused(409, "same-person"),
    ProgramClosed: _refused(409, "program-closed"),
    NotAnActiveParticipant: _refused(409, "not-an-active-participant"),
    PairExcluded: _refused(409, "pair-excluded"),
    RolesDoNotFitByHand: _refused(409, "roles-do-not-fit"),
    AlreadyMatched: _refused(409, "already-matched"),
    NoRoom: _refused(409, "no-room"),
    PairEnded: _refused(409, "pair-ended"),
    PairNotFormed: _refused(409, "pair-not-formed"),
    NudgedRecently: Refusal(409, "nudged-recently", members=_without_wait, headers=_retry_after),
    PreviewRunning: _refused(409, "preview-running"),
    PreviewNotFound: Refusal(404, "preview-not-found"),
    PreviewNotReady: _refused(409, "preview-not-ready"),
    PreviewStale: _refused(409, "preview-stale"),
    CandidatePolicy: _refused(409, "candidate-policy"),
    UnknownProgram: Refusal(404, "unknown-program"),
    UnknownCampus: Refusal(404, "unknown-campus"),
    AdminsOnly: Refusal(403, "admins-only"),
    ParticipantNotFound: Refusal(404, "participant-not-found"),
    NudgeNotFound: Refusal(404, "nudge-not-found"),
}
