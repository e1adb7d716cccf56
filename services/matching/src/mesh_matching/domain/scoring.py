"""Scores a pair of candidates in [0, 1], with the parts and reasons a coordinator can read, and the
reasons either of the pair may read (``reasons.for_participant``: no quote of the other's words).

Business rules: a pair is eligible only within one program, with a shared language, a topic
where one mentors and the other is mentored (or both are peers), a meeting mode both accept
(in person only on the same campus) and at least the policy's minimum weekly overlap.
The same inputs always give the same score.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Protocol
from zoneinfo import ZoneInfo

from mentoring_contracts import AvailabilitySlot, ScorePart
from mentoring_contracts.availability import Window, intersect, windows_utc
from mesh_matching.domain.candidate import Candidate
from mesh_matching.domain.reasons import SHARED_CRITERIA, Reason, Shared, for_participant, in_full

COMPLEMENTARY = {("mentor", "mentee"), ("mentee", "mentor"), ("peer", "peer")}


@dataclass(frozen=True, slots=True)
class MatchingPolicy:
    weights: dict[str, float] = field(
        default_factory=lambda: {
            "experiences": 1.0,
            "goals": 2.0,
            "challenges": 1.5,
            "interests": 0.5,
            "languages": 0.5,
            "availability": 2.0,
            "campus": 1.0,
            "meeting_mode": 0.5,
            "cadence": 0.5,
        }
    )
    min_overlap_hours: float = 1.0
    full_overlap_hours: float = 4.0
    same_campus_required: bool = False
    shared_language_required: bool = True
    max_time_zone_gap_hours: float | None = None
    must_match: str | None = None  # one of experiences, goals, challenges, interests: at least one in common
    mode: str = "mentor_mentee"  # the program's round mode: mentor_mentee or peer


def reference_week(now: datetime) -> datetime:
    """Overlap is measured over the week (Monday 00:00 UTC) in which the pair is scored."""
    monday = (now - timedelta(days=now.weekday())).date()
    return datetime(monday.year, monday.month, monday.day, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class PairScore:
    topic: str
    roles: tuple[str, str]
    score: float
    parts: tuple[ScorePart, ...]
    reasons: tuple[str, ...]  # in full: for the program's coordinators and admins only
    overlap_hours: float
    participant_reasons: tuple[str, ...]  # what either of the pair may read

    @property
    def kind(self) -> str:
        return "peer" if self.roles == ("peer", "peer") else "mentor_mentee"


@dataclass(frozen=True, slots=True)
class Ineligible:
    reason: str


class Facts(Protocol):
    """What the parts and reasons read of each of a pair (a profile has it all)."""

    @property
    def campus(self) -> str: ...
    @property
    def preferred_cadence(self) -> str: ...
    @property
    def languages(self) -> Sequence[str]: ...
    @property
    def meeting_modes(self) -> Sequence[str]: ...
    @property
    def experiences(self) -> Sequence[str]: ...
    @property
    def goals(self) -> Sequence[str]: ...
    @property
    def challenges(self) -> Sequence[str]: ...
    @property
    def interests(self) -> Sequence[str]: ...


Topic = tuple[str, tuple[str, str]]  # the topic as the first of the pair wrote it, and both roles in it


def score_pair(a: Candidate, b: Candidate, policy: MatchingPolicy, week_start: datetime) -> PairScore | Ineligible:
    if a.participant_id == b.participant_id:
        return Ineligible("same person")
    if a.program_id != b.program_id:
        return Ineligible("different programs")
    languages = _common(a.profile.languages, b.profile.languages)
    if not languages and policy.shared_language_required:
        return Ineligible("no shared language")
    topic = _best_topic(a, b)
    if topic is None:
        return Ineligible("no topic where one mentors the other or both are peers")
    same_campus = a.profile.campus.casefold() == b.profile.campus.casefold()
    if policy.same_campus_required and not same_campus:
        return Ineligible("the program pairs people of one campus only")
    if policy.max_time_zone_gap_hours is not None:
        gap = abs(utc_offset_hours(a.profile.time_zone, week_start) - utc_offset_hours(b.profile.time_zone, week_start))
        if gap > policy.max_time_zone_gap_hours:
            return Ineligible(f"{gap:g} h apart in time zones, more than the program's {policy.max_time_zone_gap_hours:g} h")
    if policy.must_match and not _common(getattr(a.profile, policy.must_match), getattr(b.profile, policy.must_match)):
        return Ineligible(f"nothing in common in {policy.must_match}, which the program requires")
    modes = set(a.profile.meeting_modes) & set(b.profile.meeting_modes)
    if not same_campus:
        modes.discard("in_person")
    if not modes:
        return Ineligible("no meeting mode both accept")
    overlap = overlap_hours(a, b, week_start)
    if overlap < policy.min_overlap_hours:
        return Ineligible(f"only {overlap:.1f} h of shared weekly availability")

    topic_name, roles = topic
    return _scored(
        a.profile, b.profile, policy, languages, same_campus, modes, overlap, _topic_reason(topic_name, roles), topic_name, roles
    )


def score_eligible(a: Facts, b: Facts, topic: Topic, overlap: float, policy: MatchingPolicy) -> PairScore:
    """``score_pair``'s result for a pair it finds eligible, given its topic (``best_topic``) and weekly
    overlap in hours (a round reads it from its availability bitmaps): the same parts, score and reasons."""
    same_campus = a.campus.casefold() == b.campus.casefold()
    modes = set(a.meeting_modes) & set(b.meeting_modes)
    if not same_campus:
        modes.discard("in_person")
    languages = _common(a.languages, b.languages)
    topic_name, roles = topic
    return _scored(a, b, policy, languages, same_campus, modes, overlap, _topic_reason(topic_name, roles), topic_name, roles)


def score_given(
    a: Candidate, b: Candidate, policy: MatchingPolicy, week_start: datetime, topic: str, roles: tuple[str, str]
) -> PairScore:
    """The pair scored as ``score_pair`` scores it (the same parts, weights and reasons), on the topic and
    in the roles given, whatever rule of the policy the pair breaks: a coordinator's own proposal, whose
    broken rules ``broken_rules`` names. The topic's reason is given only where both hold the topic in
    these roles. For an eligible pair on score_pair's topic, equal to score_pair's result (property-tested)."""
    languages = _common(a.profile.languages, b.profile.languages)
    same_campus = a.profile.campus.casefold() == b.profile.campus.casefold()
    modes = set(a.profile.meeting_modes) & set(b.profile.meeting_modes)
    if not same_campus:
        modes.discard("in_person")
    key = topic.strip().casefold()
    mine, theirs = a.topic_roles().get(key), b.topic_roles().get(key)
    holds = mine is not None and theirs is not None and (mine.role, theirs.role) == roles and roles in COMPLEMENTARY
    return _scored(
        a.profile,
        b.profile,
        policy,
        languages,
        same_campus,
        modes,
        overlap_hours(a, b, week_start),
        _topic_reason(topic, roles) if holds else None,
        topic,
        roles,
    )


def broken_rules(a: Candidate, b: Candidate, policy: MatchingPolicy, week_start: datetime) -> list[tuple[str, str]]:
    """Every rule under which ``score_pair`` refuses this pair of one program, as (code, score_pair's words),
    in score_pair's order: the first is the reason it gives. Empty exactly when the pair is eligible."""
    broken = []
    if not _common(a.profile.languages, b.profile.languages) and policy.shared_language_required:
        broken.append(("no-shared-language", "no shared language"))
    if _best_topic(a, b) is None:
        broken.append(("no-shared-topic", "no topic where one mentors the other or both are peers"))
    same_campus = a.profile.campus.casefold() == b.profile.campus.casefold()
    if policy.same_campus_required and not same_campus:
        broken.append(("different-campuses", "the program pairs people of one campus only"))
    if policy.max_time_zone_gap_hours is not None:
        gap = abs(utc_offset_hours(a.profile.time_zone, week_start) - utc_offset_hours(b.profile.time_zone, week_start))
        if gap > policy.max_time_zone_gap_hours:
            broken.append(
                ("time-zone-gap", f"{gap:g} h apart in time zones, more than the program's {policy.max_time_zone_gap_hours:g} h")
            )
    if policy.must_match and not _common(getattr(a.profile, policy.must_match), getattr(b.profile, policy.must_match)):
        broken.append(("nothing-in-common", f"nothing in common in {policy.must_match}, which the program requires"))
    modes = set(a.profile.meeting_modes) & set(b.profile.meeting_modes)
    if not same_campus:
        modes.discard("in_person")
    if not modes:
        broken.append(("no-meeting-mode", "no meeting mode both accept"))
    overlap = overlap_hours(a, b, week_start)
    if overlap < policy.min_overlap_hours:
        broken.append(("too-little-shared-time", f"only {overlap:.1f} h of shared weekly availability"))
    return broken


def _scored(
    a: Facts,
    b: Facts,
    policy: MatchingPolicy,
    languages: list[str],
    same_campus: bool,
    modes: set[str],
    overlap: float,
    topic_reason: str | None,
    topic_name: str,
    roles: tuple[str, str],
) -> PairScore:
    """The score, its parts and its reasons, once a topic is chosen (score_pair: the gates passed)."""
    values: dict[str, tuple[float, Reason | None]] = {}
    for criterion in SHARED_CRITERIA:
        mine, theirs = getattr(a, criterion), getattr(b, criterion)
        shared = _common(mine, theirs)
        folded_a, folded_b = {x.casefold() for x in mine}, {x.casefold() for x in theirs}
        union = folded_a | folded_b
        jaccard = len(folded_a & folded_b) / len(union) if union else 0.0
        values[criterion] = (jaccard, Shared(criterion, tuple(shared)) if shared else None)
    values["languages"] = (1.0, f"both speak {', '.join(languages)}") if languages else (0.0, None)
    values["availability"] = (
        min(overlap / policy.full_overlap_hours, 1.0),
        f"{overlap:g} h of shared weekly availability",
    )
    values["campus"] = (1.0 if same_campus else 0.0, f"same campus ({a.campus})" if same_campus else None)
    values["meeting_mode"] = (  # no mode at all only where a coordinator proposes the pair anyway
        (1.0, "both can meet in person") if "in_person" in modes else (0.5, "both can meet online") if modes else (0.0, None)
    )
    same_cadence = a.preferred_cadence == b.preferred_cadence
    values["cadence"] = (
        1.0 if same_cadence else 0.5,
        f"both prefer meeting {a.preferred_cadence.replace('_', ' ')}" if same_cadence else None,
    )

    parts = tuple(
        _part(name, policy.weights[name], round4(value)) for name, (value, _) in values.items() if policy.weights.get(name, 0) > 0
    )
    total_weight = sum(part.weight for part in parts)
    score = sum(part.weight * part.value for part in parts) / total_weight if total_weight else 0.0
    reasons = (*((topic_reason,) if topic_reason else ()), *(reason for _, reason in values.values() if reason))
    return PairScore(topic_name, roles, round4(score), parts, in_full(reasons), overlap, for_participant(reasons))


@lru_cache(maxsize=4096)
def _part(criterion: str, weight: float, value: float) -> ScorePart:
    """Parts are immutable and take few distinct values: a round's thousands of pairs share them."""
    return ScorePart(criterion=criterion, weight=weight, value=value)


def round4(value: float) -> float:
    """To four decimals as the compiled kernel rounds (multiply, round half to even, divide), so a
    score computed there equals this one bit for bit and the two can be compared with ==."""
    return round(value * 10000.0) / 10000.0


def utc_offset_hours(time_zone: str, moment: datetime) -> float:
    """The zone's offset from UTC at a moment (the reference week's start), in hours."""
    offset = moment.astimezone(ZoneInfo(time_zone)).utcoffset()
    return offset.total_seconds() / 3600 if offset else 0.0


def overlap_hours(a: Candidate, b: Candidate, week_start: datetime) -> float:
    """Shared availability over one reference week, across both time zones, in hours (0.25 h steps)."""
    shared = intersect(
        _week_windows(tuple(a.profile.weekly_availability), a.profile.time_zone, week_start),
        _week_windows(tuple(b.profile.weekly_availability), b.profile.time_zone, week_start),
    )
    minutes = sum((finish - begin).total_seconds() for begin, finish in shared) / 60
    return round(minutes / 15) * 15 / 60


@lru_cache(maxsize=65_536)
def _week_windows(slots: tuple[AvailabilitySlot, ...], time_zone: str, week_start: datetime) -> list[Window]:
    """A person's windows of the week, computed once for all the partners they are scored against."""
    return windows_utc(slots, time_zone, week_start, week_start + timedelta(days=7))


def _best_topic(a: Candidate, b: Candidate) -> Topic | None:
    return best_topic(
        {key: (t.topic, t.role) for key, t in a.topic_roles().items()},
        {key: (t.topic, t.role) for key, t in b.topic_roles().items()},
    )


def best_topic(mine: Mapping[str, tuple[str, str]], theirs: Mapping[str, tuple[str, str]]) -> Topic | None:
    """Of the topics (by key: ``Candidate.topic_roles``, as (topic, role)) where one mentors the other
    or both are peers, the first by the first one's spelling, then roles."""
    fitting = sorted(
        (topic, (role, theirs[key][1]))
        for key, (topic, role) in mine.items()
        if key in theirs and (role, theirs[key][1]) in COMPLEMENTARY
    )
    return fitting[0] if fitting else None


def _topic_reason(topic: str, roles: tuple[str, str]) -> str:
    if roles == ("peer", "peer"):
        return f"both want to learn {topic} together as peers"
    return f"{topic}: one mentors, the other is mentored"


def _common(a: Sequence[str], b: Sequence[str]) -> list[str]:
    theirs = {x.casefold() for x in b}
    return sorted({x for x in a if x.casefold() in theirs}, key=str.casefold)
