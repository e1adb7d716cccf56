"""What profile's use cases refuse, answered once for every route: each refusal of
application/errors.py, its status and its problem kind (``urn:mentoringmesh:problem:<kind>``)."""

from fastapi import status

from mesh_profile.application import errors
from mesh_runtime.refusals import Refusal, RefusalTable

NOT_ELIGIBLE = "Not eligible for this program"


def _not_eligible(error: errors.NotEligible) -> dict[str, object]:
    """Every rule that failed, why, and the profile field it reads."""
    return {"program_id": error.program_id, "violations": [violation.as_json() for violation in error.violations]}


def _not_vouched_on_join(error: errors.NotVouchedOnJoin) -> dict[str, object]:
    """A join that declares a fact the institution did not give: refused as not eligible, naming the field."""
    return {
        "violations": [
            {
                "rule_id": "institution-facts",
                "attribute": error.field,
                "field": error.field,
                "message": str(error),
                "expected": None,
                "actual": None,
            }
        ]
    }


def _already_joined(error: errors.AlreadyJoined) -> dict[str, str]:
    """A retried join by the same account is told the participant it already made."""
    return {"participant_id": str(error.participant_id)} if error.yours and error.participant_id is not None else {}


def _where_it_is(error: errors.AlreadyJoined) -> dict[str, str]:
    participant_id = _already_joined(error).get("participant_id")
    return {"Location": f"/participants/{participant_id}"} if participant_id else {}


REFUSALS: RefusalTable = {
    errors.ProgramNotFound: Refusal(status.HTTP_404_NOT_FOUND, "unknown-program"),
    errors.ParticipantNotFound: Refusal(status.HTTP_404_NOT_FOUND, "unknown-participant"),
    errors.ProgramIdTaken: Refusal(status.HTTP_409_CONFLICT, "program-id-taken"),
    errors.ProgramClosedForChanges: Refusal(status.HTTP_409_CONFLICT, "program-closed"),
    errors.NotEligible: Refusal(status.HTTP_422_UNPROCESSABLE_CONTENT, "not-eligible", members=_not_eligible, title=NOT_ELIGIBLE),
    # The profile fits; only places are lacking.
    errors.NoPlaceLeft: Refusal(status.HTTP_409_CONFLICT, "not-eligible", members=_not_eligible, title=NOT_ELIGIBLE),
    errors.NotVouchedOnJoin: Refusal(
        status.HTTP_422_UNPROCESSABLE_CONTENT, "not-eligible", members=_not_vouched_on_join, title=NOT_ELIGIBLE
    ),
    errors.NotVouched: Refusal(status.HTTP_403_FORBIDDEN, "not-vouched"),
    errors.NotYourCampus: Refusal(status.HTTP_403_FORBIDDEN, "not-your-campus"),
    errors.NoVouchedEmail: Refusal(status.HTTP_403_FORBIDDEN, "no-vouched-email"),
    errors.NotYourEmail: Refusal(status.HTTP_403_FORBIDDEN, "not-your-email"),
    errors.AlreadyJoined: Refusal(
        status.HTTP_409_CONFLICT, "already-joined", members=_already_joined, title="Already joined", headers=_where_it_is
    ),
    errors.ProgramIsFixed: Refusal(status.HTTP_422_UNPROCESSABLE_CONTENT, "program-is-fixed"),
    errors.NotActive: Refusal(status.HTTP_409_CONFLICT, "not-active"),
    errors.AlreadyClaimed: Refusal(status.HTTP_409_CONFLICT, "already-claimed"),
    errors.MentoringAwaitsApproval: Refusal(status.HTTP_409_CONFLICT, "mentoring-awaits-approval"),
}
