"""Use case: a formed pair's first session, which starts its recurring series."""

from mentoring_contracts import MatchAccepted
from mesh_scheduling.application.ports import SchedulingUnitOfWork
from mesh_scheduling.application.series import start_series
from mesh_scheduling.domain.pair import Pair
from mesh_scheduling.domain.session import Session


async def schedule_first_session(
    uow: SchedulingUnitOfWork, accepted: MatchAccepted, subjects: tuple[str | None, str | None] = (None, None)
) -> Session | None:
    """``subjects``: the pair's accounts (read from the profile service; events carry none). The
    first session is the first shared slot a day ahead; it starts the pair's series. A pair already
    known (MatchAccepted seen again) is scheduled once: None."""
    pair = Pair(accepted.match_id, accepted.program_id, (accepted.participants[0], accepted.participants[1]), subjects=subjects)
    if not await uow.pairs.add(pair):
        return None
    return await start_series(uow, pair, sequence=1, now=uow.clock.now())
