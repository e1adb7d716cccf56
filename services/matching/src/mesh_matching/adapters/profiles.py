"""A participant as matching needs them, read from the profile service: events carry only the
attributes that identify nobody, but scoring compares the free text of profiles, and the account
says who may answer a match."""

from uuid import UUID

from mentoring_contracts import ParticipantProfile
from mesh_matching.domain.candidate import Candidate
from mesh_runtime.peers import Peer


class UnknownParticipant(Exception):
    """An event names a participant the profile service does not know: not retried (dead-lettered)."""


async def candidate_from_profile(profiles: Peer, participant_id: UUID) -> Candidate | None:
    """The participant as the profile service has them now; None once they are erased (their
    ``ParticipantErased`` follows on the same partition and removes whatever matching holds)."""
    view = await profiles.get(f"/participants/{participant_id}")
    if view is None:
        raise UnknownParticipant(f"the profile service has no participant {participant_id}")
    if view["status"] == "erased":
        return None
    return Candidate(participant_id, ParticipantProfile.model_validate(view["profile"]), view.get("subject"))
