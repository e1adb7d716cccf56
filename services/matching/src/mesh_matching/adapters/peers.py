"""A participant as matching needs them, read from the profile service: events carry only the
attributes that identify nobody, but scoring compares the free text of profiles, and the account
says who may answer a match."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from mentoring_contracts import EventEnvelope, ParticipantJoined, ParticipantProfile, ParticipantProfileUpdated
from mesh_matching.domain.candidate import Candidate
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
