"""Candidates as arrays, so a round scores millions of pairs without a Python loop per pair.

Sets become bitsets over the pool's own vocabulary (case-folded); weekly availability becomes a
bitmap of the reference week's quarter hours in UTC (availability is given in quarter hours, so
the bitmap is exact, DST included).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

import numpy as np

from mentoring_contracts import AvailabilitySlot
from mentoring_contracts.availability import windows_utc
from mesh_matching.domain.candidate import Candidate
from mesh_matching.domain.scoring import utc_offset_hours

QUARTERS = 7 * 24 * 4
SET_CRITERIA = ("experiences", "goals", "challenges", "interests")
CADENCES = ("weekly", "biweekly", "monthly", "as_needed")
IN_PERSON, ONLINE = 1, 2


@dataclass(frozen=True)
class Features:
    candidates: Sequence[Candidate]
    program: np.ndarray  # int32 codes
    campus: np.ndarray
    cadence: np.ndarray
    modes: np.ndarray  # uint8: IN_PERSON | ONLINE
    languages: np.ndarray  # uint64 bitsets (n, words)
    mentor_topics: np.ndarray
    mentee_topics: np.ndarray
    peer_topics: np.ndarray
    topic_names: tuple[str, ...]
    sets: dict[str, np.ndarray]
    set_sizes: dict[str, np.ndarray]
    availability: np.ndarray  # uint64 (n, 11): quarter hours of the reference week
    capacity: np.ndarray  # int32: how many partners each may take in this round
    utc_offset: np.ndarray  # float64 hours at the reference week's start

    def __len__(self) -> int:
        return len(self.candidates)


def build(candidates: Sequence[Candidate], week_start: datetime) -> Features:
    profiles = [c.profile for c in candidates]
    topics_vocab = _vocabulary([[t.topic.strip() for t in p.topics] for p in profiles])

    def topics_with(role: str) -> np.ndarray:
        return _bitsets([[t.topic.strip() for t in p.topics if t.role == role] for p in profiles], topics_vocab)

    sets = {name: _bitsets([getattr(p, name) for p in profiles]) for name in SET_CRITERIA}
    return Features(
        candidates=candidates,
        program=_codes([p.program_id for p in profiles]),
        campus=_codes([p.campus.casefold() for p in profiles]),
        cadence=np.array([CADENCES.index(p.preferred_cadence) for p in profiles], dtype=np.int8),
        modes=np.array([(IN_PERSON if "in_person" in p.meeting_modes else 0) | (ONLINE if "online" in p.meeting_modes else 0)
                        for p in profiles], dtype=np.uint8),
        languages=_bitsets([p.languages for p in profiles]),
        mentor_topics=topics_with("mentor"),
        mentee_topics=topics_with("mentee"),
        peer_topics=topics_with("peer"),
        topic_names=tuple(sorted(topics_vocab, key=topics_vocab.get)),
        sets=sets,
        set_sizes={name: np.bitwise_count(bits).sum(axis=1).astype(np.int16) for name, bits in sets.items()},
        availability=_used_words(np.stack([_week(p.weekly_availability, p.time_zone, week_start) for p in profiles])
                                 if profiles else np.zeros((0, 11), dtype=np.uint64)),
        capacity=np.array([c.capacity for c in candidates], dtype=np.int32),
        utc_offset=np.array([utc_offset_hours(p.time_zone, week_start) for p in profiles], dtype=np.float64),
    )


def _used_words(bitmaps: np.ndarray) -> np.ndarray:
    """Only the words of the week someone is available in: overlaps are unchanged, scoring is cheaper."""
    used = np.nonzero(bitmaps.any(axis=0))[0]
    return np.ascontiguousarray(bitmaps[:, used]) if len(used) else bitmaps[:, :1]


def _codes(values: list[str]) -> np.ndarray:
    index: dict[str, int] = {}
    return np.array([index.setdefault(v, len(index)) for v in values], dtype=np.int32)


def _vocabulary(lists: list[list[str]]) -> dict[str, int]:
    vocab: dict[str, int] = {}
    for values in lists:
        for value in values:
            vocab.setdefault(value.casefold(), len(vocab))
    return vocab


def _bitsets(lists: list[list[str]], vocab: dict[str, int] | None = None) -> np.ndarray:
    vocab = vocab if vocab is not None else _vocabulary(lists)
    words = max(1, -(-len(vocab) // 64))
    rows = [row for row, values in enumerate(lists) for _ in values]
    columns = [vocab.get(value.casefold(), -1) for values in lists for value in values]
    flags = np.zeros((len(lists), words * 64), dtype=bool)
    if rows:
        rows_array, columns_array = np.array(rows), np.array(columns)
        known = columns_array >= 0
        flags[rows_array[known], columns_array[known]] = True
    return np.packbits(flags, axis=1, bitorder="little").view(np.uint64).reshape(len(lists), words)


def _week(slots: Sequence[AvailabilitySlot], time_zone: str, week_start: datetime) -> np.ndarray:
    """A person's week is the union of their slots' weeks; slots repeat across a pool, so each is computed once."""
    week = np.zeros(11, dtype=np.uint64)
    for slot in slots:
        week |= _slot_bitmap(slot, time_zone, week_start)
    return week


@lru_cache(maxsize=65536)
def _slot_bitmap(slot: AvailabilitySlot, time_zone: str, week_start: datetime) -> np.ndarray:
    quarters = np.zeros(11 * 64, dtype=bool)
    for begin, finish in windows_utc([slot], time_zone, week_start, week_start + timedelta(days=7)):
        first = int((begin - week_start).total_seconds() // 900)
        last = int((finish - week_start).total_seconds() // 900)
        quarters[first:last] = True
    packed = np.packbits(quarters, bitorder="little")
    return packed.view(np.uint64).copy()
