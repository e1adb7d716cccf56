"""L4: a coordinator's or an admin's read of people's words (a pair's agreement, their sessions, the
mail sent to them) is in the audit trail of the institution read, naming what was read; the
participant reading their own is their history, not an audit entry."""

import pytest

from mesh_notify.bootstrap import DEFINITION as NOTIFY
from mesh_scheduling.bootstrap import DEFINITION as SCHEDULING
from tests.integration.notify.test_delivery import plan_welcome
from tests.support.identity import as_
from tests.support.pairs import AGREEMENT, formed_pair
from tests.support.services import running

ADMIN = as_("scheduling", "admin")


def reads(trail: list[dict]) -> list[tuple[list[str], str, list[str]]]:
    return [(e["actor_roles"], e["resource"], e["details"]["ids"]) for e in trail if e["action"] == "personal_data.read"]


@pytest.fixture
async def scheduling(endpoints, database_factory):
    async with running(SCHEDULING, endpoints.kafka_bootstrap, await database_factory(SCHEDULING)) as service:
        yield service


async def test_l4_staff_reading_a_pairs_agreement_and_sessions_is_audited_and_the_pair_reading_theirs_is_not(scheduling) -> None:
    app, client = scheduling
    accepted, tokens = await formed_pair(app)
    a = accepted.participants[0].participant_id
    match_id = str(accepted.match_id)
    proposed = await client.post(
        f"/matches/{match_id}/agreements", json=AGREEMENT | {"participant_id": str(a)}, headers=tokens[a]
    )
    assert proposed.status_code == 201, proposed.text
    for who in (tokens[a], as_("scheduling", "coordinator", campuses=("north",))):
        assert (await client.get(f"/matches/{match_id}/agreements", headers=who)).status_code == 200
        assert (await client.get(f"/matches/{match_id}/sessions", headers=who)).status_code == 200
    sessions = [s["session_id"] for s in (await client.get(f"/matches/{match_id}/sessions", headers=tokens[a])).json()]
    assert reads((await client.get("/audit", headers=ADMIN)).json()) == [
        (["coordinator"], "sessions", sorted(sessions)),
        (["coordinator"], "agreements", [match_id]),
    ]


async def test_l4_an_admin_reading_the_mail_sent_to_someone_is_audited(endpoints, database_factory) -> None:
    async with running(NOTIFY, endpoints.kafka_bootstrap, await database_factory(NOTIFY)) as (app, client):
        recipient = await plan_welcome(app)
        admin = as_("notify", "admin")
        [notification] = (await client.get("/notifications", params={"recipient_id": str(recipient)}, headers=admin)).json()
        assert (await client.get(f"/notifications/{notification['notification_id']}", headers=admin)).status_code == 200
        trail = (await client.get("/audit", headers=admin)).json()
    assert reads(trail) == [(["admin"], "notifications", [notification["notification_id"]])] * 2
