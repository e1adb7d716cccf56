"""What scheduling reads from the profile service: whose a pair's sessions are. Events carry no
accounts; profile's contact view of each member names theirs (none once they are erased). The
consumer reads a batch's contacts in one call before its transaction (``prefetch``); its handlers
then find them here (``subjects_of``)."""

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from mentoring_contracts import EventEnvelope, MatchAccepted, MatchAcceptedV1
from mesh_runtime.components import Components
from mesh_runtime.consumer import Prefetch
from mesh_runtime.peers import Peer

CONTACTS_LIMIT = 1000  # profile's POST /participants/contacts takes at most this many ids


class ProfileReads:
    """The one reader of profile's contact view in scheduling: built once per running service
    (``peers``), handed to each unit of work. Contacts for the consumer's current batch are read in
    one call before its transaction; a member the batch did not announce (or profile did not know
    then) is read on their own."""

    def __init__(self, profiles: Peer) -> None:
        self._profiles = profiles
        self._batch: dict[UUID, dict[str, Any]] = {}

    async def prefetch(self, envelopes: Sequence[EventEnvelope[Any]]) -> None:
        """The consumer's ``Prefetch``: the contacts of both members of each of the batch's acceptances."""
        self._batch = {}
        wanted = list(
            dict.fromkeys(
                member.participant_id
                for envelope in envelopes
                if isinstance(envelope.data, MatchAccepted) and not isinstance(envelope.data, MatchAcceptedV1)
                for member in envelope.data.participants
            )
        )
        for start in range(0, len(wanted), CONTACTS_LIMIT):
            found = await self._profiles.post(
                "/participants/contacts",
                {"participant_ids": [str(participant_id) for participant_id in wanted[start : start + CONTACTS_LIMIT]]},
            )
            for view in (found or {}).get("contacts", ()):
                self._batch[UUID(view["participant_id"])] = view

    async def subjects_of(self, accepted: MatchAccepted) -> tuple[str | None, str | None]:
        """The accounts of the pair's two members, in the event's order."""
        if isinstance(accepted, MatchAcceptedV1):  # history: the accounts were on the event
            return (accepted.participants[0].subject, accepted.participants[1].subject)
        first, second = [await self._contact(member.participant_id) for member in accepted.participants]
        return ((first or {}).get("subject"), (second or {}).get("subject"))

    async def _contact(self, participant_id: UUID) -> dict[str, Any] | None:
        """A prefetched view is used once: a second event about them in the batch reads afresh."""
        return self._batch.pop(participant_id, None) or await self._profiles.get(f"/participants/{participant_id}/contact")


def peers(components: Components) -> ProfileReads:
    """``ServiceDefinition.peers``: what the running service reads from other services."""
    return ProfileReads(components.peer("profile"))


def prefetch(components: Components) -> Prefetch:
    """The consumer's batch read: the contacts of a batch's acceptances, in one call to profile."""
    assert isinstance(components.peers, ProfileReads), "scheduling's ServiceDefinition builds its peers"
    return components.peers.prefetch
