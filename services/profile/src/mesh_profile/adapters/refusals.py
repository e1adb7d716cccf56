"""What programs and their rules refuse, as answers: the same for a join, a profile change, a roster row
and the management of a program."""

import contextlib
from collections.abc import AsyncIterator

from fastapi import HTTPException, status

from mesh_profile.application.admission import NotEligible, ProgramNotFound
from mesh_profile.domain.program import ProgramClosedForChanges, ProgramIdTaken
from mesh_profile.domain.vouched import NotVouched
from mesh_runtime.dependencies import Problem


def not_eligible(error: NotEligible) -> Problem:
    """422 names every rule that failed; 409 when the profile fits and only places are lacking."""
    return Problem(
        status.HTTP_409_CONFLICT if error.only_capacity else status.HTTP_422_UNPROCESSABLE_CONTENT,
        str(error),
        kind="not-eligible",
        title="Not eligible for this program",
        program_id=error.program_id,
        violations=[violation.as_json() for violation in error.violations],
    )


def not_vouched(error: NotVouched) -> Problem:
    """A join that declares a fact the institution did not give: refused as not eligible, naming the field."""
    return Problem(
        status.HTTP_422_UNPROCESSABLE_CONTENT,
        str(error),
        kind="not-eligible",
        title="Not eligible for this program",
        violations=[
            {
                "rule_id": "institution-facts",
                "attribute": error.field,
                "field": error.field,
                "message": str(error),
                "expected": None,
                "actual": None,
            }
        ],
    )


@contextlib.asynccontextmanager
async def program_refusals() -> AsyncIterator[None]:
    try:
        yield
    except ProgramNotFound as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(error)) from error
    except ProgramIdTaken as error:
        raise Problem(status.HTTP_409_CONFLICT, str(error), kind="program-id-taken") from error
    except ProgramClosedForChanges as error:
        raise Problem(status.HTTP_409_CONFLICT, str(error), kind="program-closed") from error
    except NotEligible as error:
        raise not_eligible(error) from error
