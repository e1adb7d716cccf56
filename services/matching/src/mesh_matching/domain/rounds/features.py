"""Candidates as arrays, so a round scores millions of pairs without a Python loop per pair.

Sets become bitsets over the pool's own vocabulary (case-folded); weekly availability becomes a
bitmap of the reference week's quarter hours in UTC (availability is given in quarter hours, so
the bitmap is exact, DST included). Only quarter hours someone is available in are kept: overlaps
are unchanged and scoring reads fewer words.
"""

import gc
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Generic, TypeVar

import numpy as np

from mentoring_contracts import AvailabilitySlot
from mentoring_contracts.availability import windows_utc
from mentoring_contracts.events.participants import Weekday
from mesh_matching.domain.candidate import Candidate
from mesh_matching.domain.rounds.pool import RoundPool
from mesh_matching.domain.scoring import utc_offset_hours

SET_CRITERIA = ("experiences", "goals", "challenges", "interests")
CADENCES = ("weekly", "biweekly", "monthly", "as_needed")
ROLES = ("mentor", "mentee", "peer")
IN_PERSON, ONLINE = 1, 2
WEEK_QUARTERS = 7 * 24 * 4

Value = TypeVar("Value", bound=Hashable)
# A weekly slot in its owner's zone: (weekday, start, end, time zone).
ZonedSlot = tuple[Weekday, time, time, str]


@dataclass(frozen=True)
class Features:
    pool: RoundPool
    program: np.ndarray  # int32 codes
    campus: np.ndarray  # int32 codes
    cadence: np.ndarray  # int8
    modes: np.ndarray  # uint8: IN_PERSON | ONLINE
    languages: np.ndarray  # uint64 bitsets (n, words)
    mentor_topics: np.ndarray
    mentee_topics: np.ndarray
    peer_topics: np.ndarray
    sets: np.ndarray  # uint64 (n, criteria, words), in SET_CRITERIA order
    set_sizes: np.ndarray  # int32 (n, criteria)
    availability: np.ndarray  # uint64 (n, words): the week's quarter hours anyone is available in
    utc_offset: np.ndarray  # float64 hours at the reference week's start

    def __len__(self) -> int:
        return len(self.pool)

    def kernel_arrays(self, mode: str) -> tuple:
        """What the scoring kernels read; rows are mentees (or peers), columns mentors (or peers)."""
        rows, cols = (self.mentee_topics, self.mentor_topics) if mode == "mentor_mentee" else (self.peer_topics,) * 2
        return (
            self.program,
            self.campus,
            self.cadence,
            self.modes,
            self.languages,
            rows,
            cols,
            self.sets,
            self.set_sizes,
            self.availability,
            self.utc_offset,
        )

    def kernel_columns(self, mode: str, cols: np.ndarray) -> tuple:
        """``kernel_arrays`` of these candidates only, contiguous: a block's columns are read once per
        row, and scattered reads across a large pool would leave the cache each time."""
        return tuple(a[cols] for a in self.kernel_arrays(mode))


class _Coder(Generic[Value]):
    """Codes for values in order of first sight, and (row, code) pairs to set as bits. Values come
    a list per row, coded in bulk: a round codes millions of values."""

    def __init__(self, codes: dict[Value, int] | None = None) -> None:
        self.codes: dict[Value, int] = {} if codes is None else codes  # shared: bits of different coders align
        self.rows = np.zeros(0, dtype=np.int64)
        self.columns = np.zeros(0, dtype=np.int64)

    def code(
        self,
        values: list[Value],
        counts: list[int] | np.ndarray | None = None,
        normal: Callable[[Value], Value] | None = None,
    ) -> "_Coder[Value]":
        """``values`` of all rows in row order, ``counts[row]`` of them per row (default one each);
        ``normal`` makes values that mean the same equal (applied once per distinct value)."""
        distinct = dict.fromkeys(values)  # each distinct value once, in order of first sight
        for value in distinct:
            distinct[value] = self.codes.setdefault(normal(value) if normal else value, len(self.codes))
        self.columns = np.fromiter(map(distinct.__getitem__, values), dtype=np.int64, count=len(values))
        self.rows = np.arange(len(values)) if counts is None else np.repeat(np.arange(len(counts)), counts)
        return self

    def only(self, keep: np.ndarray) -> "_Coder[Value]":
        subset = _Coder(self.codes)
        subset.rows, subset.columns = self.rows[keep], self.columns[keep]
        return subset

    def bitsets(self, n: int, words: int | None = None) -> np.ndarray:
        words = words or max(1, -(-len(self.codes) // 64))
        bits = np.zeros((n, words), dtype=np.uint64)
        columns = self.columns.astype(np.uint64)
        np.bitwise_or.at(bits, (self.rows, (columns // 64).astype(np.int64)), np.left_shift(np.uint64(1), columns % 64))
        return bits


def build(pool: Sequence[Candidate] | RoundPool, week_start: datetime) -> Features:
    """From the pool's columns (``RoundPool``), or from candidates (their columns taken first)."""
    # Millions of short-lived strings and no cycles: the collector would only walk the pool again and again.
    with _collector_paused():
        return _build(pool if isinstance(pool, RoundPool) else RoundPool.of(pool), week_start)


@contextmanager
def _collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _build(pool: RoundPool, week_start: datetime) -> Features:
    n = len(pool)
    # Flat lists and counts, not a list per person: a round codes millions of values.
    role_index = {role: index for index, role in enumerate(ROLES)}
    topic_roles = np.fromiter((role_index[role] for roles in pool.roles for role in roles), dtype=np.int8)
    all_topics = _Coder[str]().code(
        [topic for topics in pool.topics for topic in topics], list(map(len, pool.topics)), lambda topic: topic.strip().casefold()
    )
    topic_codes = all_topics.codes  # one vocabulary for all roles: a mentor's and a mentee's topic bits align
    topics = {role: all_topics.only(topic_roles == index) for index, role in enumerate(ROLES)}
    sets = [_coded_lists(getattr(pool, name)) for name in SET_CRITERIA]
    zones = _Coder[str]().code(pool.time_zones)
    slots = _Coder[ZonedSlot]().code(
        [
            slot
            for zone, days, starts, ends in zip(pool.time_zones, pool.weekdays, pool.starts, pool.ends, strict=True)
            for slot in zip(days, starts, ends, [zone] * len(days), strict=True)
        ],
        list(map(len, pool.weekdays)),
    )
    topic_words = max(1, -(-len(topic_codes) // 64))
    set_words = max(max(1, -(-len(c.codes) // 64)) for c in sets)
    set_bits = np.stack([c.bitsets(n, set_words) for c in sets], axis=1)
    zone_offsets = np.array([utc_offset_hours(zone, week_start) for zone in zones.codes], dtype=np.float64)
    return Features(
        pool=pool,
        program=_Coder[str]().code(pool.program_ids).columns.astype(np.int32),
        campus=_Coder[str]().code(pool.campuses, normal=str.casefold).columns.astype(np.int32),
        cadence=np.array([CADENCES.index(cadence) for cadence in pool.cadences], dtype=np.int8),
        modes=np.array(
            [(IN_PERSON if "in_person" in modes else 0) | (ONLINE if "online" in modes else 0) for modes in pool.meeting_modes],
            dtype=np.uint8,
        ),
        languages=_coded_lists(pool.languages).bitsets(n),
        mentor_topics=topics["mentor"].bitsets(n, topic_words),
        mentee_topics=topics["mentee"].bitsets(n, topic_words),
        peer_topics=topics["peer"].bitsets(n, topic_words),
        sets=set_bits,
        set_sizes=np.bitwise_count(set_bits).sum(axis=2).astype(np.int32),
        availability=_availability(slots, n, week_start),
        utc_offset=zone_offsets[zones.columns] if n else np.zeros(0),
    )


def _coded_lists(per_row: list[list[str]]) -> _Coder[str]:
    """Case-folded values, a list per row."""
    return _Coder[str]().code([value for values in per_row for value in values], list(map(len, per_row)), str.casefold)


def _availability(slots: _Coder[ZonedSlot], n: int, week_start: datetime) -> np.ndarray:
    """Each distinct (slot, zone) is laid on the week once; a person's week is the union of theirs."""
    quarters = np.zeros((len(slots.codes), WEEK_QUARTERS), dtype=bool)
    week_end = week_start + timedelta(days=7)
    for (weekday, start, end, zone), code in slots.codes.items():
        slot = AvailabilitySlot.model_construct(weekday=weekday, start=start, end=end)  # a validated slot's fields
        for begin, finish in windows_utc([slot], zone, week_start, week_end):
            quarters[
                code, int((begin - week_start).total_seconds() // 900) : int((finish - week_start).total_seconds() // 900)
            ] = True
    used = quarters[:, quarters.any(axis=0)]  # every slot belongs to someone: these are the quarters in use
    words = max(1, -(-used.shape[1] // 64))
    padded = np.zeros((len(used), words * 64), dtype=bool)
    padded[:, : used.shape[1]] = used
    slot_words = np.packbits(padded, axis=1, bitorder="little").view(np.uint64).reshape(len(used), words)
    week = np.zeros((n, words), dtype=np.uint64)
    if len(slots.rows):  # rows arrive in order: each person's slots are one run
        rows = slots.rows
        starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
        week[rows[starts]] = np.bitwise_or.reduceat(slot_words[slots.columns], starts, axis=0)
    return week
