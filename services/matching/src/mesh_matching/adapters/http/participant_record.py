"""One participant as the coordinators' console shows them: who they are in brief, every match of theirs
(newest first) with the reasons in full, and their history (``domain.participant_history``)."""

from datetime import datetime
from typing import Literal
from uuid import UUID

import asyncpg
from pydantic import BaseModel, Field

from mentoring_contracts import TopicRole
from mesh_matching.adapters.http.queries_directory import participant_matches, participant_record
from mesh_matching.adapters.postgres.matches import match_from_row
from mesh_matching.domain.match import Match, MatchStatus
from mesh_matching.domain.participant_history import asker_of, history_of

Role = Literal["mentor", "mentee", "peer"]
ParticipantState = Literal["waiting", "proposed", "matched", "dormant", "left"]
MatchState = Literal["proposed", "accepted", "dormant", "declined", "expired", "ended"]


class MatchPartner(BaseModel):
    participant_id: UUID
    display_name: str | None = Field(description="None if matching no longer holds them.")
    role: str = Field(description="Their role in this match.")


class ParticipantMatch(BaseModel):
    match_id: UUID
    state: MatchState = Field(description="accepted: a formed pair, active; dormant: formed and found dormant.")
    topic: str
    kind: Literal["mentor_mentee", "peer"]
    role: str = Field(description="This participant's role in it.")
    partner: MatchPartner
    requested_by: UUID | None = Field(description="Who asked for it themself (self-selection), if anyone did.")
    score: float
    reasons: list[str] = Field(description="Why they were proposed, in full (empty once either is erased).")
    proposed_at: datetime
    expires_at: datetime
    answered_at: datetime | None = Field(
        description="When the proposal was settled by an answer: formed (the second acceptance) or declined."
    )
    formed_at: datetime | None
    dormant_since: datetime | None = Field(description="While dormant: when it was found so.")
    ended_at: datetime | None = Field(description="When the formed pair ended.")
    expired_at: datetime | None = Field(description="When the proposal lapsed (unanswered, or its program closed).")
    end_reason: str | None = Field(description="Why it ended or lapsed, in words, where kept.")
    declined_by: UUID | None = Field(description="Who declined it (declined only; None if not known).")
    decline_reason: str | None = Field(description="Why, in their words, if they gave any (declined only).")


class HistoryStep(BaseModel):
    at: datetime
    what: Literal["joined", "proposed", "accepted", "formed", "dormant", "declined", "expired", "ended", "left"]
    match_id: UUID | None = None
    by: UUID | None = Field(default=None, description="Who did it: who asked (proposed), accepted or declined.")
    detail: str | None = Field(default=None, description="Why it was declined, lapsed or ended, in words, where kept.")


class ParticipantRecord(BaseModel):
    participant_id: UUID
    program_id: str
    display_name: str = Field(description="'Erased participant' once erased.")
    campus: str
    roles: list[Role] = Field(description="The roles they take in their topics, each once, in order.")
    topics: list[TopicRole]
    state: ParticipantState = Field(description="As in the directory's list (participant_states).")
    joined_at: datetime | None
    left_at: datetime | None = Field(
        description="When they left (or were erased); None while in the program, or if they left before matching kept it."
    )
    capacity: int = Field(description="How many matches they may hold at once.")
    used: int = Field(description="Places their open matches hold now.")
    matches: list[ParticipantMatch]
    history: list[HistoryStep] = Field(
        description="Oldest first. Only a pair's last dormancy is known (one that met "
        "again is not kept as having been dormant); steps whose time was "
        "never kept (before the directory) are left out."
    )


async def read_record(connection: asyncpg.Connection, participant_id: UUID) -> ParticipantRecord | None:
    row = await participant_record(connection, participant_id)
    if row is None:
        return None
    rows = await participant_matches(connection, participant_id)
    matches = [match_from_row(match) for match in rows]
    # found dormant and not active since: a pair now, or one that ended so
    stalled = {match["match_id"]: match["stalled_at"] for match in rows if match["stalled_at"] is not None}
    dormant = {
        match.match_id: stalled[match.match_id]
        for match in matches
        if match.status is MatchStatus.ACCEPTED and match.match_id in stalled
    }
    steps = history_of(row["joined_at"], row["left_at"] if not row["active"] else None, matches, stalled)
    return ParticipantRecord(
        participant_id=row["participant_id"],
        program_id=row["program_id"],
        display_name=row["display_name"],
        campus=row["campus"],
        roles=row["roles"],
        topics=[TopicRole(**topic) for topic in row["topics"]],
        state=row["state"],
        joined_at=row["joined_at"],
        left_at=row["left_at"],
        capacity=row["capacity"],
        used=row["used"],
        matches=[_entry(match_row, match, dormant.get(match.match_id)) for match_row, match in zip(rows, matches, strict=True)],
        history=[
            HistoryStep(at=step.at, what=step.what, match_id=step.match_id, by=step.by, detail=step.detail)  # type: ignore[arg-type]  # history_of names only these steps
            for step in steps
        ],
    )


def _entry(row: asyncpg.Record, match: Match, dormant_since: datetime | None) -> ParticipantMatch:
    status = row["status"]
    return ParticipantMatch(
        match_id=match.match_id,
        state="dormant" if dormant_since else status,
        topic=match.topic,
        kind=match.kind,  # type: ignore[arg-type]  # a stored kind is one of the two
        role=row["own_role"],
        partner=MatchPartner(participant_id=row["partner_id"], display_name=row["partner_name"], role=row["partner_role"]),
        requested_by=asker_of(match),
        score=match.score,
        reasons=row["reasons"],
        proposed_at=match.proposed_at,
        expires_at=match.expires_at,
        answered_at=match.formed_at if status in ("accepted", "ended") else match.closed_at if status == "declined" else None,
        formed_at=match.formed_at,
        dormant_since=dormant_since,
        ended_at=match.closed_at if status == "ended" else None,
        expired_at=match.closed_at if status == "expired" else None,
        end_reason=match.closing_reason if status in ("ended", "expired") else None,
        declined_by=match.declined_by if status == "declined" else None,
        decline_reason=match.closing_reason if status == "declined" else None,
    )
