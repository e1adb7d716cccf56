"""The scoring rules of ``domain.scoring.score_pair``, on arrays: one block of rows against one
block of columns at a time. The results equal score_pair's (property-tested)."""

from typing import Literal

import numpy as np

from mesh_matching.domain.rounds.features import IN_PERSON, SET_CRITERIA, Features
from mesh_matching.domain.scoring import MatchingPolicy

Mode = Literal["mentor_mentee", "peer"]


def score_block(features: Features, rows: np.ndarray, cols: np.ndarray, mode: Mode, policy: MatchingPolicy) -> np.ndarray:
    """Scores of every (row, column) pair; NaN where the pair is not eligible. In mentor-mentee
    mode rows are mentees and columns mentors."""
    f = features

    def meets(bits: np.ndarray, other: np.ndarray) -> np.ndarray:
        return (bits[rows][:, None, :] & other[cols][None, :, :]).any(axis=2)

    if mode == "mentor_mentee":
        topic_fit = meets(f.mentee_topics, f.mentor_topics)
    else:
        topic_fit = meets(f.peer_topics, f.peer_topics)
    same_campus = f.campus[rows][:, None] == f.campus[cols][None, :]
    modes = f.modes[rows][:, None] & f.modes[cols][None, :]
    modes = np.where(same_campus, modes, modes & ~np.uint8(IN_PERSON))
    overlap = np.bitwise_count(f.availability[rows][:, None, :] & f.availability[cols][None, :, :]).sum(axis=2) / 4.0
    shared_language = meets(f.languages, f.languages)
    eligible = (
        (f.program[rows][:, None] == f.program[cols][None, :])
        & (shared_language if policy.shared_language_required else True)
        & topic_fit
        & (modes != 0)
        & (overlap >= policy.min_overlap_hours)
        & (rows[:, None] != cols[None, :])
    )
    if policy.same_campus_required:
        eligible &= same_campus
    if policy.max_time_zone_gap_hours is not None:
        eligible &= np.abs(f.utc_offset[rows][:, None] - f.utc_offset[cols][None, :]) <= policy.max_time_zone_gap_hours
    if policy.must_match:
        eligible &= meets(f.sets[policy.must_match], f.sets[policy.must_match])
    weights = policy.weights
    total = np.zeros(eligible.shape)
    weight_sum = 0.0
    for name in SET_CRITERIA:
        if weights.get(name, 0) > 0:
            shared = np.bitwise_count(f.sets[name][rows][:, None, :] & f.sets[name][cols][None, :, :]).sum(axis=2)
            union = f.set_sizes[name][rows][:, None] + f.set_sizes[name][cols][None, :] - shared
            value = np.divide(shared, union, out=np.zeros(eligible.shape), where=union > 0)
            total += weights[name] * np.round(value, 4)
            weight_sum += weights[name]
    parts = {
        "languages": shared_language.astype(float),
        "availability": np.round(np.minimum(overlap / policy.full_overlap_hours, 1.0), 4),
        "campus": same_campus.astype(float),
        "meeting_mode": np.where(modes & IN_PERSON, 1.0, 0.5),
        "cadence": np.where(f.cadence[rows][:, None] == f.cadence[cols][None, :], 1.0, 0.5),
    }
    for name, value in parts.items():
        if weights.get(name, 0) > 0:
            total += weights[name] * value
            weight_sum += weights[name]
    scores = np.round(total / weight_sum, 4) if weight_sum else np.zeros(eligible.shape)
    return np.where(eligible, scores, np.nan)
