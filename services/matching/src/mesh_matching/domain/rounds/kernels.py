"""The round's inner loop, compiled (numba): every pair of a block scored, each row's best kept.

A pair's score follows ``domain.scoring.score_pair`` rule for rule and in the same floating-point
order (property-tested equal); rounding is NumPy's (multiply, round half to even, divide).
The score is written inside the kernel's loop, not as a function of its own: a call (or closure)
per pair that passes the feature arrays costs up to several times the scoring itself.
The kernel releases the GIL, so blocks of rows score in parallel threads.
"""

import math
from collections.abc import Callable
from typing import cast

import numpy as np
from numba import njit
from numba.extending import intrinsic

from mesh_matching.domain.rounds.features import IN_PERSON, ONLINE, SET_CRITERIA

# The policy as a vector: weights in scoring order, then the hard rules.
CRITERIA = ("experiences", "goals", "challenges", "interests", "languages", "availability", "campus", "meeting_mode", "cadence")
LANGUAGES, AVAILABILITY, CAMPUS, MEETING_MODE, CADENCE = range(4, 9)
MIN_OVERLAP, FULL_OVERLAP, SAME_CAMPUS, SHARED_LANGUAGE, MAX_ZONE_GAP, MUST_MATCH = range(9, 15)


def _ctpop(typingctx, value):
    """An integer's set bits, of the integer's own type (one LLVM instruction)."""

    def codegen(context, builder, signature, args):
        return builder.ctpop(args[0])

    return value(value), codegen


# Compiled code calls an intrinsic without its typing context; numba's stub keeps that argument in
# the call's signature (and says the call never returns, true only outside compiled code).
_popcount = cast(Callable[[int], int], intrinsic(_ctpop))


@njit(inline="always")
def _round4(value: float) -> float:
    return np.rint(value * 10000.0) / 10000.0


@njit(inline="always")
def _meet(a: np.ndarray, i: int, b: np.ndarray, j: int) -> bool:
    for word in range(a.shape[1]):
        if a[i, word] & b[j, word]:
            return True
    return False


@njit(inline="always")
def _common(a: np.ndarray, i: int, b: np.ndarray, j: int) -> int:
    count = 0
    for word in range(a.shape[1]):
        count += _popcount(a[i, word] & b[j, word])
    return count


@njit(inline="always")
def _common_in(sets: np.ndarray, sets_b: np.ndarray, criterion: int, i: int, j: int) -> int:
    count = 0
    for word in range(sets.shape[2]):
        count += _popcount(sets[i, criterion, word] & sets_b[j, criterion, word])
    return count


@njit(nogil=True, cache=True, error_model="numpy")
def best_partners(
    rows: np.ndarray,
    cols: np.ndarray,
    k: int,
    prices: np.ndarray,
    floors: np.ndarray,
    row_caps: np.ndarray,
    col_caps: np.ndarray,
    excluded: np.ndarray,
    n: int,
    row_arrays: tuple,
    col_arrays: tuple,
    policy: np.ndarray,
    jaccard: np.ndarray,
):
    """Each row's k columns with the highest ``score - prices[c]`` above ``floors[r]``, best first
    (ties to the earlier column). Rows are candidate indices ``rows``; columns are ``cols``, whose
    features ``col_arrays`` are gathered so a block's columns sit together in cache.

    A pair is skipped unscored when ``min(row_caps[r], col_caps[c]) - prices[c] <= floors[r]``: caps
    are known upper bounds on the pair's score. ``excluded``: sorted keys ``min(i, j) * n + max(i, j)``
    of pairs never to propose. Returns (candidate indices, scores): -1 and NaN where a row has
    fewer than k."""
    (program, campus, cadence, modes, languages, row_topics, _, sets, set_sizes, availability, utc_offset) = row_arrays
    (program_b, campus_b, cadence_b, modes_b, languages_b, _, col_topics, sets_b, set_sizes_b, availability_b, utc_offset_b) = (
        col_arrays
    )
    # The policy as locals: read from its array inside the loop, each value would be loaded again
    # for every pair (the compiler cannot tell the arrays written there apart from it).
    must = int(policy[MUST_MATCH])
    set_weights = policy[: len(SET_CRITERIA)].copy()
    w_languages, w_availability, w_campus, w_mode, w_cadence = (
        policy[LANGUAGES],
        policy[AVAILABILITY],
        policy[CAMPUS],
        policy[MEETING_MODE],
        policy[CADENCE],
    )
    min_overlap, full_overlap, max_zone_gap = policy[MIN_OVERLAP], policy[FULL_OVERLAP], policy[MAX_ZONE_GAP]
    any_language, any_campus = policy[SHARED_LANGUAGE] == 0, policy[SAME_CAMPUS] == 0
    # The availability part by quarter hours shared: score_pair's arithmetic, once per count.
    availability_part = np.empty(availability.shape[1] * 64 + 1)
    for shared_quarters in range(len(availability_part)):
        availability_part[shared_quarters] = _round4(min(shared_quarters / 4.0 / full_overlap, 1.0))
    weight_sum = 0.0  # the score's divisor: the weights in use, summed in scoring order
    for criterion in range(len(CRITERIA)):
        if policy[criterion] > 0:
            weight_sum += policy[criterion]

    found = np.full((len(rows), k), -1, dtype=np.int64)
    scores = np.full((len(rows), k), np.nan)
    values = np.full((len(rows), k), -math.inf)
    columns_availability = availability_b.T.copy()  # word-major: a row's overlaps are one vectorized loop
    quarters = np.empty(len(cols), dtype=np.int64)
    for r in range(len(rows)):
        i = rows[r]
        if row_caps[r] <= floors[r]:  # prices are never negative: nothing in this row can pass
            continue
        quarters[:] = 0
        for word in range(availability.shape[1]):
            mine = availability[i, word]
            for c in range(len(cols)):
                quarters[c] += _popcount(mine & columns_availability[word, c])
        # The row's own features as locals, for the same reason as the policy's.
        program_i, campus_i, cadence_i, modes_i, offset_i = program[i], campus[i], cadence[i], np.int64(modes[i]), utc_offset[i]
        floor_i, cap_i = floors[r], row_caps[r]
        for c in range(len(cols)):
            j = cols[c]
            if i == j or min(cap_i, col_caps[c]) - prices[c] <= floor_i:
                continue
            # The pair's score: domain.scoring.score_pair, rule for rule. The hard rules are combined
            # without branching: on random pools, branches on them mispredict and cost more than they save.
            overlap = quarters[c] / 4.0
            same_campus = campus_i == campus_b[c]
            shared_modes = modes_i & np.int64(modes_b[c]) & (IN_PERSON | ONLINE if same_campus else ONLINE)
            shared_language = _meet(languages, i, languages_b, c)
            eligible = (
                (program_i == program_b[c])
                & _meet(row_topics, i, col_topics, c)
                & (shared_modes != 0)
                & (shared_language | any_language)
                & (same_campus | any_campus)
                & (abs(offset_i - utc_offset_b[c]) <= max_zone_gap)
                & (overlap >= min_overlap)
            )
            if not eligible or (must >= 0 and _common_in(sets, sets_b, must, i, c) == 0):
                continue
            total = 0.0
            for criterion in range(len(SET_CRITERIA)):
                if set_weights[criterion] > 0:
                    shared = _common_in(sets, sets_b, criterion, i, c)
                    total += (
                        set_weights[criterion] * jaccard[shared, set_sizes[i, criterion] + set_sizes_b[c, criterion] - shared]
                    )
            if w_languages > 0:
                total += w_languages * (1.0 if shared_language else 0.0)
            if w_availability > 0:
                total += w_availability * availability_part[quarters[c]]
            if w_campus > 0:
                total += w_campus * (1.0 if same_campus else 0.0)
            if w_mode > 0:
                total += w_mode * (1.0 if shared_modes & IN_PERSON else 0.5)
            if w_cadence > 0:
                total += w_cadence * (1.0 if cadence_i == cadence_b[c] else 0.5)
            # Keep the row's k best values (most pairs fall short even before rounding up to 0.5e-4).
            unrounded = total / weight_sum if weight_sum > 0 else 0.0
            if unrounded + 0.500001e-4 - prices[c] <= max(floor_i, values[r, k - 1]):
                continue
            pair = _round4(unrounded)
            value = pair - prices[c]
            if value <= floor_i or value <= values[r, k - 1]:
                continue
            if len(excluded):
                key = min(i, j) * n + max(i, j)
                at = np.searchsorted(excluded, key)
                if at < len(excluded) and excluded[at] == key:
                    continue
            slot = k - 1
            while slot > 0 and values[r, slot - 1] < value:
                values[r, slot], found[r, slot], scores[r, slot] = values[r, slot - 1], found[r, slot - 1], scores[r, slot - 1]
                slot -= 1
            values[r, slot], found[r, slot], scores[r, slot] = value, j, pair
    return found, scores


def jaccard_table(largest_set: int) -> np.ndarray:
    """round(shared / union, 4) for every possible count, as NumPy rounds (0 where union is 0)."""
    shared = np.arange(largest_set + 1)[:, None]
    union = np.arange(2 * largest_set + 1)[None, :]
    return np.round(np.divide(shared, union, out=np.zeros((len(shared), union.shape[1])), where=union > 0), 4)
