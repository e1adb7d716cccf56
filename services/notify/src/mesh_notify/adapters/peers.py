"""What a mail says that events do not carry, read from the services that own it: the recipient's
name, address and time zone from profile (their contact details, never their words); the reasons for
a proposal, or for an end, and a coordinator's note or message to a pair, from matching. Events from
before contracts 2.0 carried these themselves: they are read from the event. The consumer reads what
a batch needs in one call to each before its transaction (``prefetch``); the handlers then find it here."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar
from uuid import UUID

from mentoring_contracts import (
    Event,
    EventEnvelope,
    MatchArranged,
    MatchDeclined,
    MatchDeclinedV1,
    MatchEnded,
    MatchEndedV1,
    MatchNudged,
    MatchProposed,
    MatchProposedV1,
    ParticipantJoined,
    ParticipantJoinedV1,
    ParticipantProfileUpdated,
    ParticipantProfileUpdatedV1,
)
from mesh_notify.domain.notification import Contact
from mesh_runtime.components import Components
from mesh_runtime.consumer import Prefetch
from mesh_runtime.peers import Peer


@dataclass(frozen=True)
class BulkRead:
    """A peer's route that answers many ids in one call (at most ``LIMIT`` a call)."""

    LIMIT: ClassVar[int] = 1000
    path: str
    ids_field: str
    views_field: str
    id_field: str

    async def read(self, peer: Peer, ids: list[UUID]) -> dict[UUID, dict[str, Any]]:
        """The views of ``ids`` by id, in one call per ``LIMIT`` ids; no call for none."""
        wanted = list(dict.fromkeys(ids))
        views: dict[UUID, dict[str, Any]] = {}
        for start in range(0, len(wanted), self.LIMIT):
            found = await peer.post(self.path, {self.ids_field: [str(each) for each in wanted[start : start + self.LIMIT]]})
            views |= {UUID(view[self.id_field]): view for view in (found or {}).get(self.views_field, ())}
        return views


CONTACTS = BulkRead("/participants/contacts", "participant_ids", "contacts", "participant_id")  # profile
MATCHES = BulkRead("/matches/lookup", "match_ids", "matches", "match_id")  # matching
# The events whose mails quote words matching keeps (not their retired versions, which carried them).
QUOTING_MATCH_EVENTS = (MatchProposed, MatchDeclined, MatchEnded, MatchArranged)
CARRYING_MATCH_EVENTS = (MatchProposedV1, MatchDeclinedV1, MatchEndedV1)


class NotifyPeers:
    """The one reader of notify's peers, built once per running service (``ServiceDefinition.peers``).
    What the consumer's current batch needs is read in one call to each peer before its transaction; a
    view is used once, and what the batch did not announce (or the peer did not know then) is read alone."""

    def __init__(self, profiles: Peer, matches: Peer) -> None:
        self._profiles, self._matches = profiles, matches
        self._contacts: dict[UUID, dict[str, Any]] = {}
        self._match_views: dict[UUID, dict[str, Any]] = {}

    @classmethod
    def of(cls, components: Components) -> "NotifyPeers":
        return cls(components.peer("profile"), components.peer("matching"))

    async def prefetch(self, envelopes: Sequence[EventEnvelope[Any]]) -> None:
        """The consumer's ``Prefetch``: the contacts of the batch's joins and profile updates, and the
        matches its match events' mails quote."""
        self._contacts, self._match_views = {}, {}  # nothing of the last batch is left, even if a read fails
        events = [envelope.data for envelope in envelopes]
        joined = [e.participant_id for e in events if isinstance(e, ParticipantJoined | ParticipantProfileUpdated)]
        quoted = [e.match_id for e in events if isinstance(e, QUOTING_MATCH_EVENTS) and not isinstance(e, CARRYING_MATCH_EVENTS)]
        self._contacts = await CONTACTS.read(self._profiles, joined)
        self._match_views = await MATCHES.read(self._matches, quoted)

    async def contact_of(self, event: Event) -> Contact | None:
        """The participant a profile event is about; None for any other event."""
        if isinstance(event, ParticipantJoinedV1 | ParticipantProfileUpdatedV1):
            profile = event.profile
            return Contact(
                event.participant_id,
                profile.display_name,
                str(profile.email),
                profile.time_zone,
                subject=event.subject,
                campus=profile.campus,
            )
        if isinstance(event, ParticipantJoined | ParticipantProfileUpdated):
            return await self.contact(event.participant_id)
        return None

    async def details_of(self, event: Event) -> dict[str, Any]:
        """The words an event's mails quote that it does not carry; none for most."""
        if isinstance(event, MatchProposedV1 | MatchDeclinedV1 | MatchEndedV1):
            return {}  # the words are on the event itself
        if isinstance(event, MatchProposed | MatchDeclined | MatchEnded):
            return await self.match_details(event.match_id)
        if isinstance(event, MatchArranged):
            return await self.match_details(event.match_id, with_note=event.with_note)
        if isinstance(event, MatchNudged) and event.with_message:
            return await self.nudge_details(event.match_id, event.nudge_id)
        return {}

    async def contact(self, participant_id: UUID) -> Contact | None:
        """None when the profile service has no such participant, or they are erased (no mail, ever)."""
        view = self._contacts.pop(participant_id, None) or await self._profiles.get(f"/participants/{participant_id}/contact")
        if view is None or view["status"] == "erased":
            return None
        return Contact(
            participant_id,
            view["display_name"],
            view["email"],
            view["time_zone"],
            subject=view.get("subject"),
            campus=view["campus"],
        )

    async def match_details(self, match_id: UUID, *, with_note: bool = False) -> dict[str, Any]:
        """The words a match's mails quote; nothing when matching no longer has them (erased). ``with_note``:
        a pair a coordinator proposed by hand, with their note to both."""
        view = self._match_views.pop(match_id, None) or await self._matches.get(f"/matches/{match_id}") or {}
        details = {"reasons": view.get("reasons", []), "reason": view.get("closing_reason")}
        return (details | {"note": view.get("note")}) if with_note else details

    async def nudge_details(self, match_id: UUID, nudge_id: UUID) -> dict[str, Any]:
        """A coordinator's message to a pair they checked in on; none once erased (or if they wrote none)."""
        view = await self._matches.get(f"/matches/{match_id}/nudges/{nudge_id}") or {}
        return {"message": view.get("message")}


def prefetch(components: Components) -> Prefetch:
    """The consumer's batch read: contacts from profile and matches from matching, one call to each."""
    assert isinstance(components.peers, NotifyPeers), "notify's ServiceDefinition builds its peers"
    return components.peers.prefetch
