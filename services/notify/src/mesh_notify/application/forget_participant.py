"""Use case: a participant was erased; notify forgets how to reach them and what it would have said.

Here, what notify strips of them, step by step; the runtime runs the steps (``mesh_runtime.erasures``):
on their ``ParticipantErased``, remembering it at the service's time, purging published events about
them and confirming, whether or not notify held anything; and after any other event that names them,
read after their erasure (a MatchProposed or SessionCompleted plans no mail to them, keeps no quote of them)."""

from collections.abc import Awaitable, Callable
from uuid import UUID

from mesh_notify.application.ports import NotifyUnitOfWork

SERVICE = "notify"

# (what the confirmation lists when the step found something, None: never listed; the step)
Step = tuple[str | tuple[str, ...] | None, Callable[[NotifyUnitOfWork, UUID], Awaitable[object]]]

# No further mail to them; their name and address go; their notifications and others' that quote
# them keep only what counts for statistics.
ERASURE_STEPS: tuple[Step, ...] = (
    ("name and email address", lambda uow, erased: uow.contacts.remove(erased)),
    (None, lambda uow, erased: uow.preferences.forget(erased)),
    ("notification contents and addresses", lambda uow, erased: uow.notifications.forget_recipient(erased)),
    ("mentions in others' notifications", lambda uow, erased: uow.notifications.redact_mentions(erased)),
)
