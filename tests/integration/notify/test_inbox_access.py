"""Who may touch an inbox: only the recipient marks what they read (their admin may read it, not mark it;
403 to others who know of them, 404 across campuses they cannot see and across institutions, as for an
id nobody has); the unread count answers as the list does; a refusal changes nothing."""

import uuid

from tests.integration.identity.test_access import CHANGE_RULE, callers, statuses
from tests.integration.notify.conftest import WITHOUT_WORKERS
from tests.integration.notify.test_inbox import deliver_due
from tests.integration.notify.test_reminders import Pair, handle, settings
from tests.support.factories import joined
from tests.support.services import running

MARK_RULE = CHANGE_RULE | {"admin": 403}  # what someone has read is theirs to say


async def test_only_the_recipient_marks_what_they_read_and_the_unread_count_answers_as_the_list(
    endpoints, database_factory, smtp_server, tmp_path
) -> None:
    controller, _ = smtp_server
    pair = Pair()
    owner, recipient = pair.ada.subject, str(pair.ada.participant_id)
    async with running(
        WITHOUT_WORKERS, endpoints.kafka_bootstrap, await database_factory(WITHOUT_WORKERS), **settings(tmp_path, controller.port)
    ) as (app, client):
        await handle(app, joined(pair.ada.participant_id), pair.ada)
        assert await deliver_due(app) == 1
        [welcome] = (await client.get("/notifications", params={"recipient_id": recipient})).json()
        everyone, others = callers("notify", owner), {k: v for k, v in callers("notify", owner).items() if k != "owner"}

        counted = {
            name: await client.get("/notifications/unread-count", params={"recipient_id": recipient}, headers=h)
            for name, h in everyone.items()
        }
        assert {name: (r.status_code, r.json().get("unread")) for name, r in counted.items()} == {
            "owner": (200, 1),
            "participant, same campus": (403, None),
            "participant, other campus": (200, 0),
            "coordinator, same campus": (403, None),
            "coordinator, other campus": (200, 0),
            "admin": (200, 1),
            "admin of another institution": (200, 0),
            "owner's account in another institution": (200, 0),
        }

        one = f"/notifications/{welcome['notification_id']}"
        for path, body in (
            (f"{one}/read", {}),
            (f"{one}/unread", {}),
            ("/notifications/read", {"json": {"recipient_id": recipient}}),
            ("/notifications/read", {"json": {"recipient_id": recipient, "through": welcome["notification_id"]}}),
        ):
            assert await statuses(client, "POST", path, others, **body) == {
                name: code for name, code in MARK_RULE.items() if name != "owner"
            }, path
        unknown = {"participant, other campus": 404, "coordinator, other campus": 404, "admin of another institution": 404}
        for path, body in (
            (f"/notifications/{uuid.uuid4()}/read", {}),
            (f"/notifications/{uuid.uuid4()}/unread", {}),
            ("/notifications/read", {"json": {"recipient_id": str(uuid.uuid4())}}),
        ):
            assert await statuses(client, "POST", path, {name: everyone[name] for name in unknown}, **body) == unknown
        assert (await client.get(one)).json()["read_at"] is None  # nothing changed by any refusal

        assert await statuses(client, "POST", f"{one}/read", {"owner": everyone["owner"]}) == {"owner": 200}
        assert (await client.get(one)).json()["read_at"] is not None
        assert await statuses(client, "POST", f"{one}/unread", {"owner": everyone["owner"]}) == {"owner": 200}
        done = await client.post("/notifications/read", json={"recipient_id": recipient}, headers=everyone["owner"])
        assert done.json() == {"recipient_id": recipient, "marked": 1, "unread": 0}
