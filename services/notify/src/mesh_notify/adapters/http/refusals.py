"""What notify's use cases refuse (``application/errors.py``), answered once for every route: each
its status and its problem kind."""

from mesh_notify.application.errors import NoCampus, NoDigest, NotInInbox, NotTheirs, NoVerifiedEmail, RecipientOnly
from mesh_runtime.refusals import Refusal, RefusalTable

REFUSALS: RefusalTable = {
    NoDigest: Refusal(404, "no-digest"),
    RecipientOnly: Refusal(403, "recipient-only"),
    NotInInbox: Refusal(409, "not-in-inbox"),
    NotTheirs: Refusal(422, "not-theirs"),
    NoVerifiedEmail: Refusal(422, "no-verified-email"),
    NoCampus: Refusal(422, "no-campus"),
}
