"""What scheduling's use cases refuse, as problem+json answers: the same for every route."""

import contextlib
from collections.abc import AsyncIterator

from fastapi import HTTPException, status

from mesh_runtime.dependencies import Problem
from mesh_scheduling.application.agree import PairNotFormed
from mesh_scheduling.application.complete_session import SessionNotFound, UnknownGoal
from mesh_scheduling.domain.agreement import NothingToConfirm, NotInPair
from mesh_scheduling.domain.session import AlreadyCompleted, NotInSession, NotMovable


@contextlib.asynccontextmanager
async def scheduling_refusals() -> AsyncIterator[None]:
    try:
        yield
    except SessionNotFound as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(error)) from error
    except (NotInSession, NotInPair) as error:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail=str(error)) from error
    except AlreadyCompleted as error:
        raise Problem(status.HTTP_409_CONFLICT, str(error), kind="session-not-upcoming") from error
    except NotMovable as error:
        raise Problem(status.HTTP_409_CONFLICT, str(error), kind="session-not-movable") from error
    except UnknownGoal as error:
        raise Problem(status.HTTP_422_UNPROCESSABLE_CONTENT, str(error), kind="unknown-goal") from error
    except PairNotFormed as error:
        raise Problem(status.HTTP_409_CONFLICT, str(error), kind="pair-not-formed") from error
    except NothingToConfirm as error:
        raise Problem(status.HTTP_409_CONFLICT, str(error), kind="nothing-to-confirm") from error
