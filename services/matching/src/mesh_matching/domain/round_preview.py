"""A round preview: a round planned and kept, so that a coordinator publishes exactly what they saw.

Business rules:
- A preview is planned over the pool as it was read; its digest (each person's id, profile version
  and room, in join order) changes whenever anything a round reads of the pool changes, so a
  preview whose digest no longer matches the pool's is stale: publishing it is refused.
- Only a preview under the program's current policy may be published, and only while that policy
  is still the current version; a preview under a candidate policy is for comparing only.
- A preview's job touches its row at least every ``HEARTBEAT_SECONDS``; one that has not for
  ``STALE_HEARTBEAT_SECONDS`` died with its process and reads as interrupted, never running forever.
- A coordinator is shown a few pairs, not thousands: the best, those around the median, the lowest.
"""

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from uuid import UUID

from mesh_matching.domain.rounds.modes import Objective, RoundMode
from mesh_matching.domain.scoring import MatchingPolicy

Status = Literal["running", "ready", "failed", "published", "stale", "interrupted"]
Phase = Literal["queued", "reading", "scoring", "solving", "ready"]
PHASES: tuple[Phase, ...] = ("queued", "reading", "scoring", "solving", "ready")  # in the order a preview goes through

HEARTBEAT_SECONDS = 5.0
STALE_HEARTBEAT_SECONDS = 60.0
KEPT_PER_PROGRAM = 20  # older previews are pruned
EXAMPLES_EACH = 5  # best, median and lowest pairs shown
UNMATCHED_SHOWN = 100  # the unmatched listed with their reason; the count says how many in all


@dataclass(frozen=True)
class PreviewOrder:
    """What the coordinator asked for, resolved when they asked: the policy and mode to plan under."""

    program_id: str
    mode: RoundMode
    objective: Objective
    policy: MatchingPolicy
    now: datetime  # the service's clock: overlaps are measured over this week


@dataclass(frozen=True, slots=True)
class PoolMember:
    """Someone in a round's pool as the digest sees them."""

    participant_id: UUID
    version: UUID  # their stored profile's version, new with every change
    room: int  # places left


@dataclass(frozen=True, slots=True)
class PlannedPreview:
    """What publishing a preview needs: under which policy and week it was planned, over which pool,
    and the pairs, each as (first, second) in the order the round pairs them (mentee or first peer first)."""

    preview_id: UUID
    program_id: str
    status: Status  # as shown: a running preview whose heartbeat stopped is interrupted
    candidate: bool  # planned under a policy not saved
    policy: MatchingPolicy
    policy_version: int  # the program's current version when it was previewed
    mode: str
    planned_at: datetime  # the service's clock when planned: the week overlaps were measured over
    digest: str | None
    pairs: list[tuple[UUID, UUID]]
    published_match_ids: list[UUID]


def pool_digest(members: Iterable[PoolMember]) -> str:
    """md5 of ``id:version:room`` per member, comma-separated, in join order (the store computes the
    same in SQL over the pool as it is now)."""
    text = ",".join(f"{m.participant_id}:{m.version}:{m.room}" for m in members)
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def example_pairs(scores: Sequence[float], each: int = EXAMPLES_EACH) -> list[tuple[int, str]]:
    """Indexes into a plan's pairs with their rank ("best", "median" or "lowest"): the ``each`` best,
    the ``each`` around the median and the ``each`` lowest, best first in each group, ties in plan
    order; a pair is shown once (a small round shows each of its pairs once)."""
    order = sorted(range(len(scores)), key=lambda index: (-scores[index], index))
    middle = max(0, (len(order) - each) // 2)
    groups = (("best", order[:each]), ("median", order[middle : middle + each]), ("lowest", order[max(0, len(order) - each) :]))
    shown: dict[int, str] = {}
    for rank, indexes in groups:
        for index in indexes:
            shown.setdefault(index, rank)
    return list(shown.items())


def stale_because(
    *, candidate: bool, version_then: int, version_now: int, digest_then: str | None, digest_now: str
) -> str | None:
    """Why a ready preview no longer shows what a round would do now (None: it still does). A
    candidate policy's preview compares with the pool only: its policy was never a version."""
    if not candidate and version_now != version_then:
        return f"the program's policy changed since the preview (version {version_then}, now {version_now}); preview again"
    if digest_now != digest_then:
        return (
            "the program's pool changed since the preview (someone joined, left or changed their profile, or a place "
            "was taken or freed); preview again"
        )
    return None
