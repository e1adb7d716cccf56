"""What matching reads of other services, built once per running service (``ServiceDefinition(peers=
Peers.of)``, kept on ``components.peers``), and handed to each unit of work (``PostgresMatchingUnitOfWork.of``).

A participant as matching needs them is read from the profile service: events carry only the
attributes that identify nobody, but scoring compares the free text of profiles, and the account
says who may answer a match. The consumer reads a batch's profiles in one call before its
transaction (``prefetch``); its handlers then find them on their unit of work (``uow.profiles``).

Besides, the one other thing matching builds once per running service: its round previews' jobs
(``RoundPreviewJobs``, a worker too), which the route that starts a preview hands its job."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from mentoring_contracts import EventEnvelope, ParticipantJoined, ParticipantProfile, ParticipantProfileUpdated
from mesh_matching.adapters.round_preview_jobs import RoundPreviewJobs
from mesh_matching.domain.candidate import Candidate
from mesh_runtime.components import Components
from mesh_runtime.consumer import Prefetch
from mesh_runtime.peers import Peer

LOOKUP_LIMIT = 1000  # profile's POST /participants/lookup takes at most this many ids


class UnknownParticipant(Exception):
    """An event names a participant the profile service does not know: not retried (dead-lettered)."""


class ProfileReads:
    """Profiles for the consumer's current batch, read in one call before its transaction; an id the
    batch did not announce (or profile did not know then) is read on its own."""

    def __init__(self, profiles: Peer) -> None:
        self._profiles = profiles
        self._batch: dict[UUID, dict[str, Any]] = {}

    async def prefetch(self, envelopes: Sequence[EventEnvelope[Any]]) -> None:
        """The consumer's ``Prefetch``: the profiles of the batch's joins and updates."""
        self._batch = {}
        wanted = list(
            dict.fromkeys(
                envelope.data.participant_id
                for envelope in envelopes
                if isinstance(envelope.data, ParticipantJoined | ParticipantProfileUpdated)
            )
        )
        for start in range(0, len(wanted), LOOKUP_LIMIT):
            found = await self._profiles.post(
                "/participants/lookup",
                {"participant_ids": [str(participant_id) for participant_id in wanted[start : start + LOOKUP_LIMIT]]},
            )
            for view in (found or {}).get("participants", ()):
                self._batch[UUID(view["participant_id"])] = view

    async def candidate(self, participant_id: UUID) -> Candidate | None:
        """The participant as the profile service has them now; None once they are erased (their
        ``ParticipantErased`` follows on the same partition and removes whatever matching holds).
        A prefetched view is used once: a second event about them in the batch reads afresh."""
        view = self._batch.pop(participant_id, None) or await self._profiles.get(f"/participants/{participant_id}")
        if view is None:
            raise UnknownParticipant(f"the profile service has no participant {participant_id}")
        if view["status"] == "erased":
            return None
        return Candidate(
            participant_id,
            ParticipantProfile.model_validate(view["profile"]),
            view.get("subject"),
            datetime.fromisoformat(view["joined_at"]) if view.get("joined_at") else None,
        )


@dataclass(frozen=True)
class Peers:
    profiles: ProfileReads
    previews: RoundPreviewJobs

    @classmethod
    def of(cls, components: Components) -> "Peers":
        return cls(ProfileReads(components.peer("profile")), RoundPreviewJobs(components))


def peers_of(components: Components) -> Peers:
    """The running service's peers (``Peers.of`` built them at start-up)."""
    assert isinstance(components.peers, Peers), "matching's ServiceDefinition builds its peers"
    return components.peers


def prefetch(components: Components) -> Prefetch:
    """The consumer's batch read: the profiles of a batch's joins and updates, in one call to profile."""
    return peers_of(components).profiles.prefetch
