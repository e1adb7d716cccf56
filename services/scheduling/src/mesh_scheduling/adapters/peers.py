"""What scheduling reads from the profile service: whose a pair's sessions are. Events carry no
accounts; profile's contact view of each member names theirs (none once they are erased)."""

from mentoring_contracts import MatchAccepted, MatchAcceptedV1
from mesh_runtime.components import Components
from mesh_runtime.peers import Peer


class ProfileReads:
    """The one reader of profile's participant view in scheduling: built once per running service
    (``peers``), handed to each unit of work."""

    def __init__(self, profiles: Peer) -> None:
        self._profiles = profiles

    async def subjects_of(self, accepted: MatchAccepted) -> tuple[str | None, str | None]:
        """The accounts of the pair's two members, in the event's order."""
        if isinstance(accepted, MatchAcceptedV1):  # history: the accounts were on the event
            return (accepted.participants[0].subject, accepted.participants[1].subject)
        first, second = [
            await self._profiles.get(f"/participants/{member.participant_id}/contact") for member in accepted.participants
        ]
        return ((first or {}).get("subject"), (second or {}).get("subject"))


def peers(components: Components) -> ProfileReads:
    """``ServiceDefinition.peers``: what the running service reads from other services."""
    return ProfileReads(components.peer("profile"))
