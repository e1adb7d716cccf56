"""M10: every service limits each verified person, each anonymous client address, and the changes
of each profile; a refusal is a 429 with Retry-After and a problem body. Real services, real tokens."""

import secrets
import uuid

import httpx

from mesh_matching.adapters.postgres.candidates import PostgresCandidates
from mesh_matching.bootstrap import DEFINITION as MATCHING
from mesh_matching.domain.candidate import Candidate
from mesh_profile.bootstrap import DEFINITION as PROFILE
from mesh_scheduling.bootstrap import DEFINITION as SCHEDULING
from tests.support.factories import mentor_profile, profile
from tests.support.identity import INSTITUTION, as_, as_person, bearer, local_issuer
from tests.support.programs import create_programs
from tests.support.services import running, serving

BUDGET = 20


def assert_rate_limited(response: httpx.Response, budget: str) -> None:
    assert response.status_code == 429, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert int(response.headers["Retry-After"]) >= 1
    body = response.json()
    assert body["type"] == "urn:mentoringmesh:problem:rate-limited" and body["status"] == 429
    assert body["budget"] == budget and body["retry_after_seconds"] == int(response.headers["Retry-After"])


async def test_m10_rapid_suggestions_from_one_subject_get_429_after_the_budget_and_others_are_unaffected(
    endpoints, database_factory
) -> None:
    async with running(
        MATCHING, endpoints.kafka_bootstrap, await database_factory(MATCHING), rate_limit_per_subject_per_minute=BUDGET
    ) as (app, client):
        asker = Candidate(uuid.uuid4(), profile(), f"sub-{uuid.uuid4().hex[:8]}")
        other = Candidate(uuid.uuid4(), mentor_profile(), f"sub-{uuid.uuid4().hex[:8]}")
        async with app.state.components.database.transaction(INSTITUTION) as transaction:
            for candidate in (asker, other):
                await PostgresCandidates(transaction.connection).add(candidate)
        as_asker = as_("matching", "participant", subject=asker.subject, campuses=("north",))
        url = f"/participants/{asker.participant_id}/suggestions"
        answers = [await client.get(url, headers=as_asker) for _ in range(50)]
        statuses = [answer.status_code for answer in answers]
        assert statuses[:BUDGET] == [200] * BUDGET
        assert statuses.count(429) >= 50 - BUDGET - 1  # a token may refill while 50 go by
        assert_rate_limited(answers[-1], "per person")
        # Another person, even with the same kind of token, has a budget of their own...
        as_other = as_("matching", "participant", subject=other.subject, campuses=("north",))
        assert (await client.get(f"/participants/{other.participant_id}/suggestions", headers=as_other)).status_code == 200
        # ...and the probes are never limited.
        assert (await client.get("/health/live", headers=as_asker)).status_code == 200
        assert (await client.get("/metrics", headers=as_asker)).status_code == 200


async def test_m10_an_anonymous_address_is_limited_on_the_public_feed_and_for_failed_tokens(endpoints, database_factory) -> None:
    """Over real HTTP from loopback, the proxy uvicorn trusts by default: X-Forwarded-For names the client."""
    async with serving(
        SCHEDULING, endpoints.kafka_bootstrap, await database_factory(SCHEDULING), rate_limit_per_address_per_minute=5
    ) as (
        _,
        url,
    ):
        async with httpx.AsyncClient(base_url=url) as client:
            feed = f"/calendars/{INSTITUTION}/{secrets.token_urlsafe(32)}.ics"
            first = {"X-Forwarded-For": "203.0.113.9"}
            answers = [await client.get(feed, headers=first) for _ in range(8)]
            assert [a.status_code for a in answers[:5]] == [404] * 5  # no such feed, but looked up
            assert_rate_limited(answers[-1], "per client address")
            second = {"X-Forwarded-For": "203.0.113.10"}
            assert (await client.get(feed, headers=second)).status_code == 404  # another address: its own budget
            # Tokens that do not verify draw on the same budget: 401 until it is spent, then 429.
            bad = second | bearer(local_issuer().token(audience="mesh-somebody-else"))
            refused = [(await client.get(f"/sessions/{uuid.uuid4()}", headers=bad)).status_code for _ in range(6)]
            assert refused == [401] * 4 + [429] * 2
            # A verified token never draws on its address.
            good = second | as_("scheduling", "admin")
            assert (await client.get(f"/sessions/{uuid.uuid4()}", headers=good)).status_code == 404
            assert (await client.get("/health/live", headers=first)).status_code == 200


async def test_m10_the_changes_of_a_profile_that_feed_scoring_have_an_hourly_budget(endpoints, database_factory) -> None:
    async with running(
        PROFILE, endpoints.kafka_bootstrap, await database_factory(PROFILE), rate_limit_profile_changes_per_hour=3
    ) as (
        _,
        client,
    ):
        await create_programs(client, "first-year-stem")
        body = profile().model_dump(mode="json")
        me = as_person("profile", email=body["email"])
        joined = await client.post("/participants", json=body, headers=me)
        assert joined.status_code == 201, joined.text
        participant_id = joined.json()["participant_id"]
        stranger = as_person("profile", campuses=("south",))
        for _ in range(4):  # refused, and spending only the stranger's own budget, never the owner's
            assert (await client.put(f"/participants/{participant_id}/profile", json=body, headers=stranger)).status_code in (
                403,
                404,
                429,
            )
        changes = [
            await client.put(f"/participants/{participant_id}/profile", json=body | {"goals": [f"goal {n}"]}, headers=me)
            for n in range(4)
        ]
        assert [c.status_code for c in changes[:3]] == [200] * 3
        assert_rate_limited(changes[3], "profile changes per hour")
        assert int(changes[3].headers["Retry-After"]) > 60  # three an hour: the next in about twenty minutes
        assert (await client.put(f"/participants/{participant_id}/profile", json=body)).status_code == 200  # an admin's own
        assert (await client.get(f"/participants/{participant_id}", headers=me)).status_code == 200  # reading is not
