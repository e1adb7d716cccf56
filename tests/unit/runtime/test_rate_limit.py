"""M10: the token buckets behind the services' rate limits, and the refusal they answer with."""

import uuid
from types import SimpleNamespace

import httpx
import pytest
from fastapi import FastAPI

from mesh_runtime.identity.claims import Principal, Role
from mesh_runtime.rate_limit import RateLimited, RateLimits, TokenBuckets, install, retry_after


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def person(subject: str = "ada", institution: str = "uni-a") -> Principal:
    return Principal(subject, institution, frozenset({"north"}), frozenset({Role.PARTICIPANT}), client_id="mesh-cli")


def service() -> Principal:
    return Principal("service-account-mesh-matching", "*", frozenset(), frozenset({Role.SERVICE}), client_id="mesh-matching")


def settings(**overrides: int) -> SimpleNamespace:
    return SimpleNamespace(
        **(
            {
                "rate_limit_per_subject_per_minute": 10,
                "rate_limit_per_address_per_minute": 3,
                "rate_limit_per_service_per_minute": 0,
                "rate_limit_profile_changes_per_hour": 2,
            }
            | overrides
        )
    )


def test_m10_a_bucket_takes_its_budget_at_once_then_refuses_until_a_token_has_refilled() -> None:
    clock = Clock()
    buckets = TokenBuckets(60, 60.0, now=clock)  # a token a second
    assert [buckets.take("k") for _ in range(60)] == [0.0] * 60
    assert buckets.take("k") == pytest.approx(1.0)
    clock.now += 0.5
    assert buckets.take("k") == pytest.approx(0.5)  # a refusal takes nothing
    clock.now += 0.5
    assert buckets.take("k") == 0.0
    assert buckets.take("other") == 0.0  # keys are independent


def test_m10_a_bucket_refills_to_its_capacity_and_no_further() -> None:
    clock = Clock()
    buckets = TokenBuckets(5, 60.0, now=clock)
    for _ in range(5):
        buckets.take("k")
    clock.now += 3600
    assert [buckets.take("k") for _ in range(6)][-2:] == [0.0, pytest.approx(12.0)]


def test_m10_the_buckets_kept_are_bounded_by_forgetting_the_least_recently_used() -> None:
    buckets = TokenBuckets(1, 60.0, max_keys=100, now=Clock())
    for index in range(1000):
        buckets.take(index)
    assert len(buckets) == 100
    assert buckets.take(999) > 0 and buckets.take(0) == 0.0  # 0 was forgotten: a full bucket again


def test_m10_retry_after_is_whole_seconds_rounded_up_and_at_least_one() -> None:
    assert [retry_after(w) for w in (0.01, 0.99, 1.0, 1.2, 59.5)] == [1, 1, 1, 2, 60]
    refused = RateLimited("per person", 1.2)
    assert (refused.status_code, refused.headers, refused.kind) == (429, {"Retry-After": "2"}, "rate-limited")
    assert refused.members == {"budget": "per person", "retry_after_seconds": 2}


def test_m10_people_are_limited_per_institution_and_subject_services_not_by_default() -> None:
    limits = RateLimits.from_settings(settings())
    for _ in range(10):
        limits.charge_principal(person(), "GET", "/x", {})
    with pytest.raises(RateLimited):
        limits.charge_principal(person(), "GET", "/x", {})
    limits.charge_principal(person("grace"), "GET", "/x", {})  # another person
    limits.charge_principal(person(institution="uni-b"), "GET", "/x", {})  # the same sub elsewhere is someone else
    for _ in range(1000):
        limits.charge_principal(service(), "GET", "/x", {})
    limited = RateLimits.from_settings(settings(rate_limit_per_service_per_minute=5))
    for _ in range(5):
        limited.charge_principal(service(), "GET", "/x", {})
    with pytest.raises(RateLimited, match="per platform service"):
        limited.charge_principal(service(), "GET", "/x", {})


def test_m10_profile_changes_draw_on_the_hourly_budget_of_the_profile_changed() -> None:
    limits = RateLimits.from_settings(settings(rate_limit_per_subject_per_minute=0))
    route, mine, theirs = "/participants/{participant_id}/profile", str(uuid.uuid4()), str(uuid.uuid4())
    for _ in range(2):
        limits.charge_principal(person(), "PUT", route, {"participant_id": mine})
    with pytest.raises(RateLimited, match="profile changes per hour") as refused:
        limits.charge_principal(person(), "PUT", route, {"participant_id": mine})
    assert refused.value.headers["Retry-After"] == "1800"  # two an hour: one more in half an hour
    limits.charge_principal(person(), "PUT", route, {"participant_id": theirs})  # another profile (an admin's edit)
    limits.charge_principal(person(), "GET", route, {"participant_id": mine})  # reading it is not a change


def test_m10_a_limit_of_zero_is_no_limit() -> None:
    limits = RateLimits.from_settings(
        settings(rate_limit_per_subject_per_minute=0, rate_limit_per_address_per_minute=0, rate_limit_profile_changes_per_hour=0)
    )
    for _ in range(10_000):
        limits.charge_principal(person(), "PUT", "/participants/{participant_id}/profile", {"participant_id": "x"})
        limits.charge_address("192.0.2.1")


def anonymous_app() -> FastAPI:
    app = FastAPI()
    install(app, settings())  # type: ignore[arg-type]

    @app.get("/calendars/{token}")
    async def feed(token: str) -> str:
        return token

    @app.get("/health/live")
    async def live() -> str:
        return "ok"

    return app


async def test_m10_anonymous_requests_are_limited_per_address_with_a_problem_and_retry_after() -> None:
    app = anonymous_app()
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app, client=("192.0.2.7", 1234)), base_url="http://test"
    ) as client:
        statuses = [(await client.get("/calendars/abc")).status_code for _ in range(5)]
        refused = await client.get("/calendars/abc", headers={"Authorization": " "})  # an empty header is none
        health = [(await client.get("/health/live")).status_code for _ in range(20)]
        with_token = await client.get("/calendars/abc", headers={"Authorization": "Bearer x"})  # for authenticate
    assert statuses == [200, 200, 200, 429, 429] and health == [200] * 20 and with_token.status_code == 200
    assert refused.status_code == 429 and refused.headers["content-type"] == "application/problem+json"
    assert int(refused.headers["Retry-After"]) >= 1
    body = refused.json()
    assert body["type"].endswith(":rate-limited") and body["status"] == 429 and body["budget"] == "per client address"
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app, client=("192.0.2.8", 1234)), base_url="http://test") as other:
        assert (await other.get("/calendars/abc")).status_code == 200  # another address has its own budget
