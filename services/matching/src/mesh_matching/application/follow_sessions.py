"""Use cases: matching keeps what scheduling says of each pair's sessions, for its programs' health."""

from mentoring_contracts import SessionCancelled, SessionCompleted, SessionScheduled
from mesh_matching.application.ports import MatchingUnitOfWork


async def follow_session(uow: MatchingUnitOfWork, event: SessionScheduled | SessionCompleted | SessionCancelled) -> None:
    """Scheduled, completed (with its ratings) or cancelled; in whatever order they arrive, the last word
    on each stays (a completion is not undone by its scheduling arriving late). A completion newer than
    what a dormant pair was judged on makes it active again."""
    if isinstance(event, SessionScheduled):
        await uow.sessions_seen.scheduled(event)
    elif isinstance(event, SessionCompleted):
        await uow.lock_program(event.program_id)  # a revived pair changes both people's state: one change at a time
        await uow.sessions_seen.completed(event)
        await uow.dormant_pairs.revive_pair(event.match_id, event.completed_at)  # a dormant pair that met is active again
    else:
        await uow.sessions_seen.cancelled(event)
