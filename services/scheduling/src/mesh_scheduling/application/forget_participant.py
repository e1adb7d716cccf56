"""Use case: a participant was erased; scheduling forgets their words and their account.

Here, what scheduling strips of them, step by step; the runtime runs the steps (``mesh_runtime.erasures``):
on their ``ParticipantErased``, remembering it at the service's time, purging published events about
them and confirming, whether or not scheduling held anything; and after a pair formed with them is
read after their erasure."""

from collections.abc import Awaitable, Callable
from uuid import UUID

from mesh_scheduling.application.ports import SchedulingUnitOfWork

SERVICE = "scheduling"

# (what the confirmation lists when the step found something, None: never listed; the step)
Step = tuple[str | tuple[str, ...] | None, Callable[[SchedulingUnitOfWork, UUID], Awaitable[object]]]

# What they wrote in reflections goes (the rating stays, so progress statistics hold), as do the link
# to their account, the reasons they gave for cancelling, their pairs' agreements' words and their
# calendar feed. Their upcoming sessions are cancelled when matching ends their pair (MatchEnded), as
# for anyone who leaves.
ERASURE_STEPS: tuple[Step, ...] = (
    ("reflection notes", lambda uow, erased: uow.sessions.redact_reflections(erased)),
    ("account link", lambda uow, erased: uow.pairs.forget_account(erased)),
    ("reasons given for cancelling", lambda uow, erased: uow.sessions.forget_cancel_reasons(erased)),
    ("agreements' goals and expectations", lambda uow, erased: uow.agreements.redact_terms(erased)),
    ("calendar feed", lambda uow, erased: uow.calendar_feeds.revoke(erased)),
)
