"""What a mail says that events do not carry, read from the services that own it: the recipient's
name, address and time zone from profile (their contact details, never their words); the reasons for
a proposal, or for an end, and a coordinator's note or message to a pair, from matching. Events from
before contracts 2.0 carried these themselves: they are read from the event."""

from typing import Any
from uuid import UUID

from mentoring_contracts import (
    Event,
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
from mesh_runtime.peers import Peer


class NotifyPeers:
    """The one reader of notify's peers, built once per running service (``ServiceDefinition.peers``)."""

    def __init__(self, profiles: Peer, matches: Peer) -> None:
        self._profiles, self._matches = profiles, matches

    @classmethod
    def of(cls, components: Components) -> "NotifyPeers":
        return cls(components.peer("profile"), components.peer("matching"))

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
        view = await self._profiles.get(f"/participants/{participant_id}/contact")
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
        view = await self._matches.get(f"/matches/{match_id}") or {}
        details = {"reasons": view.get("reasons", []), "reason": view.get("closing_reason")}
        return (details | {"note": view.get("note")}) if with_note else details

    async def nudge_details(self, match_id: UUID, nudge_id: UUID) -> dict[str, Any]:
        """A coordinator's message to a pair they checked in on; none once erased (or if they wrote none)."""
        view = await self._matches.get(f"/matches/{match_id}/nudges/{nudge_id}") or {}
        return {"message": view.get("message")}
