"""Everything notify's use cases (and the reads of its routes) refuse, in one place: the adapters map
each to an answer once (``adapters/http/refusals.py``). The rule a notification enforces on itself
raises the domain's own refusal, named here too so that this module is the whole list."""

from mesh_notify.domain.notification import NotInInbox

__all__ = ["NoCampus", "NoDigest", "NoVerifiedEmail", "NotInInbox", "NotTheirs", "RecipientOnly"]


class NotTheirs(Exception):
    """A notification named as a place in someone's inbox (where to stop, where a page starts) that is
    not theirs."""


class RecipientOnly(Exception):
    """Only the recipient says what they have read, and only a participant sets what they hear: their
    admin may look, not change."""


class NoDigest(Exception):
    """The coordinator has not asked for a daily digest."""


class NoVerifiedEmail(Exception):
    """A digest goes to the address the coordinator's token vouches for: it carries none."""


class NoCampus(Exception):
    """A digest covers the campuses the coordinator's token names: it names none."""
