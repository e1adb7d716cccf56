"""Use case: formed pairs that stopped meeting are nudged, then ended, so their places go to others."""

from dataclasses import dataclass
from datetime import timedelta

from mentoring_contracts import MatchEnded, MatchStalled
from mesh_matching.application.places import close_match
from mesh_matching.application.ports import MatchingUnitOfWork
from mesh_matching.domain.dormancy import DORMANT_REASON


@dataclass(frozen=True, slots=True)
class DormancySweep:
    revived: int = 0
    found_dormant: int = 0
    ended: int = 0

    def __add__(self, other: "DormancySweep") -> "DormancySweep":
        return DormancySweep(self.revived + other.revived, self.found_dormant + other.found_dormant, self.ended + other.ended)


async def watch_dormant_pairs(
    uow: MatchingUnitOfWork, program_id: str, limit: int = 500, margin: timedelta = timedelta()
) -> DormancySweep:
    """By the program's rule: dormant pairs with a newer completion are active again; pairs quiet for
    ``after`` days are found dormant (MatchStalled, once per quiet spell: notify nudges both); dormant
    pairs still quiet ``margin`` after the end of their grace end (MatchEnded, cause dormant), their
    places are freed and both are offered new partners at once (never each other again). The margin
    gives a completion recorded just inside the grace time to reach matching: an end is for good.
    A pair no longer quiet for long enough under a relaxed rule is active again."""
    now = uow.clock.now()
    await uow.lock_program(program_id)
    rule = await uow.programs.dormancy(program_id)
    revived = await uow.dormant_pairs.revive_program(program_id, rule.quiet_before(now))
    found = 0
    for match, last_activity in await uow.dormant_pairs.gone_quiet(program_id, rule.quiet_before(now), limit):
        ends_at = rule.ends_at(now)
        await uow.dormant_pairs.mark_dormant(match.match_id, last_activity, now, ends_at)
        await uow.emit(
            MatchStalled(
                match_id=match.match_id,
                program_id=program_id,
                participant_ids=list(match.participants),
                last_activity_at=last_activity,
                dormant_at=now,
                ends_at=ends_at,
            )
        )
        found += 1
    ended = 0
    for match in await uow.dormant_pairs.past_grace(program_id, now - margin, limit):
        await close_match(
            uow,
            match,
            match.end(now, DORMANT_REASON),
            MatchEnded(
                match_id=match.match_id,
                program_id=program_id,
                participant_ids=list(match.participants),
                outcome="ended_early",
                ended_by=None,
                ended_at=now,
                cause="dormant",
            ),
            now,
        )
        ended += 1
    return DormancySweep(revived, found, ended)
