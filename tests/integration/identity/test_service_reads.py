"""Events carry no personal data; the services that need it read it from its owner's API as
themselves (client credentials, role ``service``), over real HTTP, with real tokens from the test
issuer's token endpoint. Profile and matching are served on loopback ports; the events handed to the
readers are the exact records the writers put in their outboxes."""

import uuid

import pytest

from mentoring_contracts import EventEnvelope, from_kafka
from mesh_matching.adapters.peers import ProfileReads, UnknownParticipant
from mesh_matching.bootstrap import DEFINITION as MATCHING
from mesh_notify.adapters.peers import NotifyPeers
from mesh_notify.bootstrap import DEFINITION as NOTIFY
from mesh_profile.bootstrap import DEFINITION as PROFILE
from mesh_runtime.identity.keys import IssuerKeys
from mesh_runtime.peers import Peer, PeerRefused, PeerUnavailable, ServiceIdentity
from tests.support.events import deliver_envelope
from tests.support.factories import mentor_profile, profile
from tests.support.identity import INSTITUTION, as_, as_person, local_issuer, service_secret
from tests.support.programs import create_programs
from tests.support.services import in_tenant, running, serving


async def published(app, event_type: str) -> list[EventEnvelope]:
    rows = await app.state.components.database.pool.fetch(
        "SELECT headers, value FROM mesh_outbox WHERE event_type LIKE $1 ORDER BY id", f"%.{event_type}.%"
    )
    return [from_kafka([(k, v.encode()) for k, v in row["headers"].items()], bytes(row["value"])) for row in rows]


def reader(name: str, url: str | None, secret: str | None = None) -> Peer:
    keys = IssuerKeys(local_issuer().url)
    return Peer(
        name,
        url,
        ServiceIdentity(keys, f"mesh-{name}-reader", None) if secret is None else ServiceIdentity(keys, "mesh-matching", secret),
    )


@pytest.fixture
async def profile_served(endpoints, database_factory):
    import httpx

    async with serving(PROFILE, endpoints.kafka_bootstrap, await database_factory(PROFILE)) as served:
        async with httpx.AsyncClient(base_url=served[1]) as client:
            await create_programs(client, "first-year-stem")
            await create_programs(client, "arts-peers", institution="other-college")
        yield served


async def join(url: str, given, *, institution: str = INSTITUTION) -> str:
    import httpx

    headers = as_(
        "profile", "participant", subject=str(uuid.uuid4()), institution=institution, campuses=("north",), email=str(given.email)
    )
    async with httpx.AsyncClient(base_url=url) as client:
        response = await client.post("/participants", json=given.model_dump(mode="json"), headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["participant_id"]


async def test_a_service_reads_a_profile_in_any_institution_and_nothing_else(profile_served) -> None:
    app, url = profile_served
    peer = reader("profile", url, service_secret("matching"))
    ours = await join(url, profile(display_name="Grace H.", goals=["finish my thesis"]))
    theirs = await join(url, profile(display_name="Tom T.", program_id="arts-peers"), institution="other-college")
    candidate = await ProfileReads(peer).candidate(uuid.UUID(ours))
    assert candidate is not None and candidate.profile.goals == ["finish my thesis"] and candidate.subject
    contact = await NotifyPeers(peer, peer).contact(uuid.UUID(theirs))  # a platform service serves every institution
    assert contact is not None and contact.display_name == "Tom T."
    with pytest.raises(UnknownParticipant):
        await ProfileReads(peer).candidate(uuid.uuid4())
    # Only routes opened to services: a service token changes nothing and lists nothing.
    identity_client = await peer._identity.client()
    for method, path in (
        ("GET", f"/participants/{ours}/erasure"),
        ("DELETE", f"/participants/{ours}"),
        ("PUT", f"/participants/{ours}/profile"),
        ("GET", "/audit"),
    ):
        refused = await identity_client.request(method, f"{url}{path}", json=profile().model_dump(mode="json"))
        assert refused.status_code == 403 and "not open to platform services" in refused.json()["detail"], (method, path)
    # And a person's token is not a service's: the profile of someone else stays theirs.
    import httpx

    async with httpx.AsyncClient(base_url=url) as client:
        assert (await client.get(f"/participants/{theirs}", headers=as_person("profile"))).status_code == 404
    # Once erased, there is nothing to read, and nobody to write to.
    async with httpx.AsyncClient(base_url=url) as client:
        erased = await client.delete(f"/participants/{ours}", headers=as_("profile", "admin"))
    assert erased.status_code == 202
    assert await ProfileReads(peer).candidate(uuid.UUID(ours)) is None
    assert await NotifyPeers(peer, peer).contact(uuid.UUID(ours)) is None


class CountingPeer(Peer):
    def __init__(self, *args) -> None:
        super().__init__(*args)
        self.calls: list[str] = []

    async def _request(self, method, path, body=None):
        self.calls.append(method)
        return await super()._request(method, path, body)


async def test_a_batch_of_joins_reads_its_profiles_in_one_call_and_only_a_service_may(profile_served) -> None:
    import httpx

    app, url = profile_served
    ids = [uuid.UUID(await join(url, profile(goals=[f"goal {i}"]))) for i in range(5)]
    joins = await published(app, "ParticipantJoined")
    keys = IssuerKeys(local_issuer().url)
    peer = CountingPeer("profile", url, ServiceIdentity(keys, "mesh-matching", service_secret("matching")))
    reads = ProfileReads(peer)
    await reads.prefetch(joins)
    assert [(await reads.candidate(i)).profile.goals for i in ids] == [[f"goal {i}"] for i in range(5)]
    assert peer.calls == ["POST"]
    assert (await reads.candidate(ids[0])).profile.goals == ["goal 0"]  # a second event about them reads afresh
    assert peer.calls == ["POST", "GET"]
    stranger = uuid.uuid4()
    await reads.prefetch([joins[0].model_copy(update={"data": joins[0].data.model_copy(update={"participant_id": stranger})})])
    with pytest.raises(UnknownParticipant):  # not in the batch's answer: read alone, and refused alone
        await reads.candidate(stranger)
    async with httpx.AsyncClient(base_url=url) as client:
        for person in (as_("profile", "admin"), as_("profile", "coordinator")):
            refused = await client.post("/participants/lookup", json={"participant_ids": [str(ids[0])]}, headers=person)
            assert refused.status_code == 403 and "service" in refused.json()["detail"]
        client.headers["Authorization"] = f"Bearer {(await peer._identity.client()).token['access_token']}"
        too_many = await client.post("/participants/lookup", json={"participant_ids": [str(uuid.uuid4())] * 1001})
        assert too_many.status_code == 422
        found = await client.post("/participants/lookup", json={"participant_ids": [str(ids[1]), str(stranger)]})
    assert [p["participant_id"] for p in found.json()["participants"]] == [str(ids[1])]
    assert found.json()["unknown"] == [str(stranger)]


async def test_a_wrong_secret_or_a_service_down_is_retried_never_dead_lettered(profile_served) -> None:
    _, url = profile_served
    ours = uuid.UUID(await join(url, profile()))
    with pytest.raises(PeerRefused, match="refused"):
        await ProfileReads(reader("profile", url, "not-the-secret")).candidate(ours)
    with pytest.raises(PeerRefused, match="no client secret"):
        await ProfileReads(reader("profile", url)).candidate(ours)
    with pytest.raises(PeerUnavailable, match="unreachable"):
        await ProfileReads(reader("profile", "http://127.0.0.1:9", service_secret("matching"))).candidate(ours)
    issued = local_issuer().tokens_issued
    peer = reader("profile", url, service_secret("matching"))
    for _ in range(3):
        assert await ProfileReads(peer).candidate(ours) is not None
    assert local_issuer().tokens_issued == issued + 1  # one token, kept until it nears expiry


async def test_from_a_join_to_the_proposal_mail_every_personal_word_is_read_not_published(
    endpoints, database_factory, profile_served
) -> None:
    profile_app, profile_url = profile_served
    mentor = await join(
        profile_url,
        mentor_profile(display_name="Ben M.", mentor_capacity=1, experiences=["took Calculus II"], goals=["pass the final exam"]),
    )
    mentee = await join(profile_url, profile(display_name="Ada L.", goals=["pass the final exam"]))
    joins = await published(profile_app, "ParticipantJoined")
    assert len(joins) == 2 and not any(b"Ada L." in e.model_dump_json().encode() for e in joins)
    async with serving(MATCHING, endpoints.kafka_bootstrap, await database_factory(MATCHING), profile_api_url=profile_url) as (
        matching_app,
        matching_url,
    ):
        for envelope in joins:  # what matching's consumer does with each record
            await deliver_envelope(matching_app, envelope)
        stored = await in_tenant(matching_app.state.components.database).fetchval(
            "SELECT profile->'goals' FROM candidates WHERE participant_id = $1", uuid.UUID(mentee)
        )
        assert stored == ["pass the final exam"]  # scored on the free text it read, not on the event
        [proposed] = await published(matching_app, "MatchProposed")
        assert {str(p.participant_id) for p in proposed.data.participants} == {mentor, mentee}
        assert b"pass the final exam" not in proposed.model_dump_json().encode()

        async with running(
            NOTIFY,
            endpoints.kafka_bootstrap,
            await database_factory(),
            profile_api_url=profile_url,
            matching_api_url=matching_url,
        ) as (notify_app, _):
            for envelope in [*joins, proposed]:
                await deliver_envelope(notify_app, envelope)
            tenant = in_tenant(notify_app.state.components.database)
            names = {row["display_name"] for row in await tenant.fetch("SELECT display_name FROM contacts")}
            assert names == {"Ben M.", "Ada L."}
            [context] = await tenant.fetch(
                "SELECT context FROM notifications WHERE template = 'match_proposed' AND recipient_id = $1", uuid.UUID(mentee)
            )
            assert any("pass the final exam" in reason for reason in context["context"]["reasons"])


async def test_m6_each_service_reads_only_what_its_work_needs_and_every_staff_or_service_read_is_audited(profile_served) -> None:
    import httpx

    _, url = profile_served
    ours = await join(url, profile(display_name="Ada Contact", challenges=["grief"], goals=["a thesis"]))
    as_service = {
        name: as_("profile", "service", institution=None, campuses=(), azp=f"mesh-{name}")
        for name in ("matching", "scheduling", "notify")
    }
    async with httpx.AsyncClient(base_url=url) as client:
        assert (await client.get(f"/participants/{ours}", headers=as_service["matching"])).status_code == 200
        for name in ("scheduling", "notify"):  # contact details, never a person's words
            refused = await client.get(f"/participants/{ours}", headers=as_service[name])
            assert refused.status_code == 403 and "contact details only" in refused.json()["detail"], name
            bulk = await client.post("/participants/lookup", json={"participant_ids": [ours]}, headers=as_service[name])
            assert bulk.status_code == 403, name
            contact = await client.get(f"/participants/{ours}/contact", headers=as_service[name])
            assert contact.status_code == 200 and contact.json()["display_name"] == "Ada Contact", name
            assert "grief" not in contact.text and "a thesis" not in contact.text, name
        assert (await client.get(f"/participants/{ours}/contact", headers=as_person("profile"))).status_code == 403
        for outsider in (
            as_person("profile", campuses=("south",)),
            as_("profile", "coordinator", campuses=("south",)),
            as_("profile", "admin", institution="other-college"),
        ):  # not known to exist
            assert (await client.get(f"/participants/{ours}/contact", headers=outsider)).status_code == 404
        assert (await client.get(f"/participants/{ours}", headers=as_("profile", "coordinator"))).status_code == 200
        trail = (await client.get("/audit", headers=as_("profile", "admin"), params={"limit": 50})).json()
    reads = [
        (e["actor_roles"], e["client_id"], e["resource"])
        for e in trail
        if e["action"] == "personal_data.read" and e["details"]["ids"] == [ours]
    ]
    assert sorted(reads, key=str) == sorted(
        [
            (["service"], "mesh-matching", "participants"),
            (["service"], "mesh-scheduling", "participants/contact"),
            (["service"], "mesh-notify", "participants/contact"),
            (["coordinator"], "mesh-cli", "participants"),
        ],
        key=str,
    )
