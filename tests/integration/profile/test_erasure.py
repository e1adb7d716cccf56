"""Erasure in the profile service: who may ask, what goes, what stays, asking twice, the status."""

import uuid
from datetime import UTC, datetime

import pytest

from mentoring_contracts import ParticipantErasureConfirmed, new_envelope, service_source
from mentoring_contracts.topics import ERASURE_CONFIRMATIONS, PARTICIPANTS
from mesh_profile.adapters.events import HANDLERS
from mesh_runtime.provenance import NotFromItsOwner, check_owner
from tests.support.factories import profile
from tests.support.identity import INSTITUTION, as_, as_person
from tests.support.services import all_published, in_tenant, outbox_types


@pytest.fixture
def programs() -> tuple[str, ...]:
    return ("first-year-stem",)


async def test_a_participant_erases_themself_once_and_anonymous_history_stays(profile_service) -> None:
    app, client = profile_service
    account = str(uuid.uuid4())
    me = as_person("profile", subject=account, email="grace@uni.example.edu")
    body = profile(display_name="Grace H.", email="grace@uni.example.edu", goals=["finish my thesis"]).model_dump(mode="json")
    participant_id = (await client.post("/participants", json=body, headers=me)).json()["participant_id"]
    other = (
        await client.post(
            "/participants", json=(new := profile().model_dump(mode="json")), headers=as_person("profile", email=new["email"])
        )
    ).json()
    assert (await client.delete(f"/participants/{participant_id}", headers=as_person("profile"))).status_code == 403
    assert (
        await client.delete(f"/participants/{participant_id}", headers=as_("profile", "coordinator", campuses=("north",)))
    ).status_code == 403
    assert (
        await client.delete(f"/participants/{participant_id}", headers=as_person("profile", campuses=("south",)))
    ).status_code == 404
    elsewhere = as_("profile", "admin", institution="other-college")
    assert (await client.delete(f"/participants/{participant_id}", headers=elsewhere)).status_code == 404
    assert (await client.delete(f"/participants/{participant_id}", headers={"Authorization": ""})).status_code == 401

    await all_published(app)  # so that the erasure finds their ParticipantJoined published, to purge
    erased = await client.delete(f"/participants/{participant_id}", headers=me)
    assert erased.status_code == 202, erased.text
    status = erased.json()
    assert status["requested_by"] == "participant" and status["complete"] is False
    assert {c["service"]: c["confirmed_at"] is not None for c in status["confirmations"]} == {
        "profile": True,
        "matching": False,
        "scheduling": False,
        "notify": False,
    }
    again = await client.delete(f"/participants/{participant_id}", headers=me)  # idempotent: the same erasure
    assert again.status_code == 202 and again.json()["requested_at"] == status["requested_at"]
    assert (await client.get(f"/participants/{participant_id}/erasure", headers=me)).json() == again.json()
    assert (await client.get(f"/participants/{participant_id}/erasure", headers=elsewhere)).status_code == 404
    assert (await client.get(f"/participants/{participant_id}/erasure", headers=as_person("profile"))).status_code == 403

    stored = await in_tenant(app.state.components.database).fetchrow(
        "SELECT profile::text AS profile, email_key, subject, status FROM participants WHERE participant_id = $1",
        uuid.UUID(participant_id),
    )
    for personal in ("Grace H.", "grace@uni.example.edu", "finish my thesis", account):
        assert personal not in str(dict(stored)), personal
    assert stored["status"] == "erased"
    shown = (await client.get(f"/participants/{participant_id}")).json()  # an admin still sees the anonymous part
    assert shown["status"] == "erased" and shown["profile"]["program_id"] == body["program_id"]
    assert shown["profile"]["campus"] == "north" and shown["profile"]["goals"] == []
    counts = await in_tenant(app.state.components.database).fetchval(
        "SELECT count(*) FROM participants WHERE program_id = $1", body["program_id"]
    )
    assert counts == 2  # the program still counts them
    assert (await client.get(f"/participants/{other['participant_id']}/erasure")).status_code == 404
    assert (
        await client.put(f"/participants/{participant_id}/profile", json=body, headers=as_("profile", "admin"))
    ).status_code == 409
    # Their ParticipantJoined, already published, is purged from the outbox; the other's stays.
    assert await outbox_types(app, PARTICIPANTS.name) == ["ParticipantJoined", "ParticipantErased"]
    audit = [e for e in (await client.get("/audit")).json() if e["action"] != "personal_data.read"]  # the admin's reads
    assert [entry["action"] for entry in audit] == ["program.create"]  # the person's own request is not an admin action
    by_admin = (
        await client.post(
            "/participants", json=(new := profile().model_dump(mode="json")), headers=as_person("profile", email=new["email"])
        )
    ).json()
    assert (await client.delete(f"/participants/{by_admin['participant_id']}")).status_code == 202
    assert [e["action"] for e in (await client.get("/audit")).json() if e["action"] != "personal_data.read"] == [
        "participant.erase",
        "program.create",
    ]


def test_a_service_confirms_only_its_own_erasure() -> None:
    """Three services write the confirmations topic; one of them must not confirm for another: the
    consumer's provenance check refuses it (dead-lettered) before profile's handler sees it."""
    assert ParticipantErasureConfirmed in HANDLERS
    for_matching = ParticipantErasureConfirmed(
        participant_id=uuid.uuid4(), service="matching", erased=["match reasons"], confirmed_at=datetime.now(UTC)
    )
    forged = new_envelope(for_matching, source=service_source("notify"), institution=INSTITUTION)
    with pytest.raises(NotFromItsOwner, match="matching"):
        check_owner(ERASURE_CONFIRMATIONS.name, forged)
    check_owner(
        ERASURE_CONFIRMATIONS.name, new_envelope(for_matching, source=service_source("matching"), institution=INSTITUTION)
    )
