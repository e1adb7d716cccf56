"""What a mail says that events do not carry, read from the services that own it: the recipient's
name, address and time zone from profile (their contact details, never their words); the reasons for a proposal, or for an end,
and a coordinator's note or message to a pair, from matching."""

from typing import Any
from uuid import UUID

from mesh_notify.domain.notification import Contact
from mesh_runtime.peers import Peer


async def contact_from_profile(profiles: Peer, participant_id: UUID) -> Contact | None:
    """None when the profile service has no such participant, or they are erased (no mail, ever)."""
    view = await profiles.get(f"/participants/{participant_id}/contact")
    if view is None or view["status"] == "erased":
        return None
    return Contact(
        participant_id, view["display_name"], view["email"], view["time_zone"], subject=view.get("subject"), campus=view["campus"]
    )


async def match_details(matches: Peer, match_id: UUID, *, with_note: bool = False) -> dict[str, Any]:
    """The words a match's mails quote; nothing when matching no longer has them (erased). ``with_note``:
    a pair a coordinator proposed by hand, with their note to both."""
    view = await matches.get(f"/matches/{match_id}") or {}
    details = {"reasons": view.get("reasons", []), "reason": view.get("closing_reason")}
    return (details | {"note": view.get("note")}) if with_note else details


async def nudge_details(matches: Peer, match_id: UUID, nudge_id: UUID) -> dict[str, Any]:
    """A coordinator's message to a pair they checked in on; none once erased (or if they wrote none)."""
    view = await matches.get(f"/matches/{match_id}/nudges/{nudge_id}") or {}
    return {"message": view.get("message")}
