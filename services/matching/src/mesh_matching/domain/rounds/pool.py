"""A round's pool as columns: what scoring and the reasons read of each person, a list per field, in
join order. Read so from the store (no profile built per person), or taken from candidates.

Kept apart from the planning (no numpy): the store's adapter builds it at start-up's import cost."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import time
from typing import Protocol
from uuid import UUID

from mentoring_contracts.events.participants import Weekday
from mesh_matching.domain.candidate import Candidate


class Member(Protocol):
    """Who a planned pair names: enough to propose them (a ``Candidate`` is one)."""

    @property
    def participant_id(self) -> UUID: ...

    @property
    def program_id(self) -> str: ...


@dataclass(frozen=True, slots=True)
class PoolMember:
    participant_id: UUID
    program_id: str


@dataclass(frozen=True, slots=True)
class PersonFacts:
    """What a pair's parts and reasons read of one person (``scoring.Facts``)."""

    campus: str
    preferred_cadence: str
    languages: list[str]
    meeting_modes: list[str]
    experiences: list[str]
    goals: list[str]
    challenges: list[str]
    interests: list[str]


@dataclass(frozen=True)
class RoundPool:
    """One entry per person in every list, in the same order. ``candidates``: the people themselves,
    where the pool was made of them (a planned pair then names them)."""

    participant_ids: list[UUID]
    program_ids: list[str]
    campuses: list[str]
    cadences: list[str]
    time_zones: list[str]
    mentor_capacities: list[int]
    meeting_modes: list[list[str]]
    languages: list[list[str]]
    topics: list[list[str]]
    roles: list[list[str]]  # the role of each of ``topics``
    experiences: list[list[str]]
    goals: list[list[str]]
    challenges: list[list[str]]
    interests: list[list[str]]
    weekdays: list[list[Weekday]]  # each weekly slot's day, start and end (local wall-clock)
    starts: list[list[time]]
    ends: list[list[time]]
    candidates: Sequence[Candidate] | None = None

    def __len__(self) -> int:
        return len(self.participant_ids)

    def member(self, index: int) -> Member:
        if self.candidates is not None:
            return self.candidates[index]
        return PoolMember(self.participant_ids[index], self.program_ids[index])

    def facts(self, index: int) -> PersonFacts:
        return PersonFacts(
            self.campuses[index],
            self.cadences[index],
            self.languages[index],
            self.meeting_modes[index],
            self.experiences[index],
            self.goals[index],
            self.challenges[index],
            self.interests[index],
        )

    def topic_roles(self, index: int) -> dict[str, tuple[str, str]]:
        """``Candidate.topic_roles``: (topic as written, role) by the topic's key; a key given twice, the last."""
        return {
            topic.strip().casefold(): (topic, role) for topic, role in zip(self.topics[index], self.roles[index], strict=True)
        }

    @classmethod
    def of(cls, candidates: Sequence[Candidate]) -> "RoundPool":
        profiles = [candidate.profile for candidate in candidates]
        return cls(
            participant_ids=[candidate.participant_id for candidate in candidates],
            program_ids=[p.program_id for p in profiles],
            campuses=[p.campus for p in profiles],
            cadences=[p.preferred_cadence for p in profiles],
            time_zones=[p.time_zone for p in profiles],
            mentor_capacities=[p.mentor_capacity for p in profiles],
            meeting_modes=[list(p.meeting_modes) for p in profiles],
            languages=[list(p.languages) for p in profiles],
            topics=[[t.topic for t in p.topics] for p in profiles],
            roles=[[t.role for t in p.topics] for p in profiles],
            experiences=[list(p.experiences) for p in profiles],
            goals=[list(p.goals) for p in profiles],
            challenges=[list(p.challenges) for p in profiles],
            interests=[list(p.interests) for p in profiles],
            weekdays=[[s.weekday for s in p.weekly_availability] for p in profiles],
            starts=[[s.start for s in p.weekly_availability] for p in profiles],
            ends=[[s.end for s in p.weekly_availability] for p in profiles],
            candidates=candidates,
        )
