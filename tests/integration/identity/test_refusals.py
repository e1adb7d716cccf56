"""Every service refuses every kind of bad token, each with a 401 (403 for a token without tenancy)
whose WWW-Authenticate header says why; and no route of any service answers an anonymous caller."""

import time
import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from mesh_profile.bootstrap import DEFINITION as PROFILE
from mesh_runtime.registry import service_definitions
from tests.support.identity import LocalIssuer, bearer, local_issuer
from tests.support.services import running

DEFINITIONS = service_definitions()
# /calendars/: a private feed whose unguessable URL is the credential (calendar apps send no token)
PUBLIC = ("/health/", "/metrics", "/docs", "/redoc", "/openapi.json", "/asyncapi.json", "/static-offline-docs", "/calendars/")
READ_PATH = {
    "profile": "/participants/{id}",
    "matching": "/matches/{id}",
    "scheduling": "/sessions/{id}",
    "notify": "/notifications/{id}",
}


@pytest.fixture(params=DEFINITIONS, ids=lambda d: d.name)
async def service(request, endpoints, database_factory):
    async with running(request.param, endpoints.kafka_bootstrap, await database_factory()) as (app, client):
        yield request.param, client


def refusals(audience: str) -> list[tuple[str, dict[str, str], int, str]]:
    issuer = local_issuer()
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = int(time.time())
    return [
        ("no token", {}, 401, "no bearer token"),
        ("not a bearer scheme", {"Authorization": "Basic dXNlcjpwYXNz"}, 401, "is not 'Bearer <token>'"),
        ("malformed token", bearer("not-a.jwt"), 401, "malformed token"),
        ("bad signature", bearer(issuer.token(audience=audience, key=stranger)), 401, "signature does not verify"),
        ("alg none", bearer(issuer.unsigned_token(audience=audience)), 401, "algorithm 'none' is not accepted"),
        (
            "HS256 signed with the public key",
            bearer(issuer.hs256_with_public_key(audience=audience)),
            401,
            "algorithm 'HS256' is not accepted",
        ),
        ("expired", bearer(issuer.token(audience=audience, exp=now - 120, iat=now - 900, nbf=now - 900)), 401, "token expired"),
        ("not yet valid", bearer(issuer.token(audience=audience, nbf=now + 600)), 401, "not yet valid"),
        (
            "wrong issuer",
            bearer(issuer.token(audience=audience, iss="https://idp.elsewhere.example/realms/x")),
            401,
            "was not issued by",
        ),
        ("wrong audience", bearer(issuer.token(audience="mesh-somebody-else")), 401, "not for this service"),
        (
            "unknown key",
            bearer(issuer.token(audience=audience, key=stranger, kid="retired-2019")),
            401,
            "signing key 'retired-2019' is not one the issuer publishes",
        ),
        ("no institution claim", bearer(issuer.token(audience=audience, institution=None)), 403, "no institution claim"),
        (
            "a key id no header can carry",
            bearer(issuer.token(audience=audience, kid="clé-€")),
            401,
            "signing key 'cl?-?' is not one the issuer publishes",
        ),
    ]


def hostile(audience: str) -> list[tuple[str, str]]:
    """M2, M5: headers and claims an outsider forges or a neighbouring client holds, each signed with the
    issuer's own key so that only the check under test can refuse it."""
    issuer = local_issuer()
    claims = issuer.claims(audience=audience)
    header = {"alg": "RS256", "kid": issuer.rsa_kid}
    return [
        ("kid a number", issuer.raw_token(header | {"kid": 123}, claims)),
        ("kid null", issuer.raw_token(header | {"kid": None}, claims)),
        ("kid an object", issuer.raw_token(header | {"kid": {"id": "rsa-1"}}, claims)),
        ("kid of 300 characters", issuer.raw_token(header | {"kid": "k" * 300}, claims)),
        ("unknown crit", issuer.raw_token(header | {"crit": ["x-unknown"]}, claims)),
        ("crit not a list", issuer.raw_token(header | {"crit": "b64"}, claims)),
        ("unencoded payload", issuer.raw_token(header | {"b64": False, "crit": ["b64"]}, claims)),
        ("alg a list", issuer.raw_token(header | {"alg": ["RS256"]}, claims)),
        ("alg a number", issuer.raw_token(header | {"alg": 256}, claims)),
        ("header a list", issuer.raw_token([header], claims)),
        ("header a string", issuer.raw_token("RS256", claims)),
        ("claims a list", issuer.raw_token(header, [claims])),
        ("claims a number", issuer.raw_token(header, 42)),
        ("ES256 named, an RSA key used", issuer.raw_token(header | {"alg": "ES256"}, claims)),
        ("exp a string", issuer.raw_token(header, claims | {"exp": "tomorrow"})),
        ("iat an object", issuer.raw_token(header, claims | {"iat": {"at": 1}})),
        ("nbf a list", issuer.raw_token(header, claims | {"nbf": [1]})),
        ("aud a number", issuer.raw_token(header, claims | {"aud": 7})),
        ("iss a list", issuer.raw_token(header, claims | {"iss": [claims["iss"]]})),
        ("sub a number", issuer.raw_token(header, claims | {"sub": 12345})),
        ("a logout token's typ", issuer.raw_token(header | {"typ": "logout+jwt"}, claims)),
        ("typ a number", issuer.raw_token(header | {"typ": 1}, claims)),
        ("M5 an ID token", issuer.raw_token(header, claims | {"typ": "ID"})),
        ("M5 a refresh token", issuer.raw_token(header, claims | {"typ": "Refresh"})),
        ("M5 another client of the realm", issuer.raw_token(header, claims | {"azp": "portal"})),
        ("M5 no client named", issuer.raw_token(header, {k: v for k, v in claims.items() if k != "azp"})),
        ("M5 a client named by a number", issuer.raw_token(header, claims | {"azp": 5})),
        ("20,000 characters", "e" * 20_000),
        ("not base64", "!!.@@.##"),
        ("four segments", "a.b.c.d"),
    ]


async def test_m2_m5_hostile_headers_and_claims_are_a_401_with_a_challenge_never_a_500(service) -> None:
    definition, client = service
    path = READ_PATH[definition.name].format(id=uuid.uuid4())
    for case, token in hostile(f"mesh-{definition.name}"):
        response = await client.get(path, headers=bearer(token))
        challenge = response.headers.get("WWW-Authenticate", "")
        assert (response.status_code, challenge.startswith('Bearer realm="mentoring-mesh", error="invalid_token"')) == (
            401,
            True,
        ), (case, response.status_code, challenge)


async def test_m6_the_service_role_in_a_token_not_of_a_platform_service_client_opens_nothing(service) -> None:
    definition, client = service
    issuer = local_issuer()
    path = READ_PATH[definition.name].format(id=uuid.uuid4())
    for case, claims in [
        ("a person's app", {"azp": "mesh-cli", "institution": None}),
        ("a service client naming an institution", {"azp": "mesh-matching"}),
    ]:
        token = issuer.token(audience=f"mesh-{definition.name}", roles=("service",), campuses=(), **claims)
        response = await client.get(path, headers=bearer(token))
        assert response.status_code == 403 and "service" in response.headers["WWW-Authenticate"], case


async def test_every_bad_token_is_refused_with_the_reason(service) -> None:
    definition, client = service
    path = READ_PATH[definition.name].format(id=uuid.uuid4())
    for case, headers, status, reason in refusals(f"mesh-{definition.name}"):
        response = await client.get(path, headers=headers | ({} if headers else {"Authorization": ""}))
        challenge = response.headers.get("WWW-Authenticate", "")
        assert (response.status_code, reason in challenge) == (status, True), (case, response.status_code, challenge)
        assert challenge.startswith('Bearer realm="mentoring-mesh"'), case


async def test_good_tokens_of_both_algorithm_families_get_through(service) -> None:
    definition, client = service
    path = READ_PATH[definition.name].format(id=uuid.uuid4())
    for algorithm in ("RS256", "ES256"):
        token = local_issuer().token(audience=f"mesh-{definition.name}", algorithm=algorithm)
        assert (await client.get(path, headers=bearer(token))).status_code == 404, algorithm  # in, and nothing there


async def test_no_route_answers_an_anonymous_caller(service) -> None:
    """Walks the service's own OpenAPI document: a route added later without protection fails here."""
    definition, client = service
    document = (await client.get("/openapi.json")).json()
    walked = 0
    for path, operations in document["paths"].items():
        if path.startswith(PUBLIC):
            continue
        concrete = path
        for name in [part[1:-1] for part in path.split("/") if part.startswith("{")]:
            concrete = concrete.replace("{" + name + "}", str(uuid.uuid4()) if "id" in name else "any")
        for method in operations:
            response = await client.request(method.upper(), concrete, headers={"Authorization": ""}, json={})
            assert response.status_code == 401, (method, path, response.status_code)
            assert "WWW-Authenticate" in response.headers
            walked += 1
    assert walked >= 2, "every service has protected routes to walk"


async def test_public_routes_stay_open(service) -> None:
    _, client = service
    for path in ("/health/live", "/metrics", "/openapi.json", "/asyncapi.json", "/docs"):
        assert (await client.get(path, headers={"Authorization": ""})).status_code == 200, path


async def test_cached_keys_keep_working_while_the_issuer_is_down_and_unknown_keys_fail_closed(endpoints, database_factory):
    issuer = LocalIssuer()
    try:
        async with running(
            PROFILE,
            endpoints.kafka_bootstrap,
            await database_factory(PROFILE),
            oidc_issuer=issuer.url,
            oidc_jwks_min_refresh_seconds=0,
        ) as (_, client):
            path = f"/participants/{uuid.uuid4()}"
            good = issuer.token(audience="mesh-profile")
            assert (await client.get(path, headers=bearer(good))).status_code == 404
            issuer.published = False  # the identity provider goes away
            assert (await client.get(path, headers=bearer(good))).status_code == 404  # cached key: still served
            rotated = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            unknown = issuer.token(audience="mesh-profile", key=rotated, kid="rsa-2")
            refused = await client.get(path, headers=bearer(unknown))
            assert refused.status_code == 401 and "not one the issuer publishes" in refused.headers["WWW-Authenticate"]
            health = await client.get("/health/ready")
            assert health.status_code == 200  # the service itself is not down because its issuer is
            # The issuer comes back having rotated to a new key: one fetch, then tokens with it verify.
            issuer.rsa_key, issuer.rsa_kid, issuer.published = rotated, "rsa-2", True
            fetches = issuer.fetches
            assert (await client.get(path, headers=bearer(unknown))).status_code == 404
            assert issuer.fetches == fetches + 1
    finally:
        issuer.close()


async def test_a_burst_of_unknown_key_ids_costs_the_issuer_at_most_one_fetch(endpoints, database_factory):
    issuer = LocalIssuer()
    try:
        async with running(
            PROFILE,
            endpoints.kafka_bootstrap,
            await database_factory(PROFILE),
            oidc_issuer=issuer.url,
            oidc_jwks_min_refresh_seconds=60,
        ) as (_, client):
            fetches = issuer.fetches
            for index in range(20):
                token = issuer.token(audience="mesh-profile", kid=f"made-up-{index}")
                assert (await client.get(f"/participants/{uuid.uuid4()}", headers=bearer(token))).status_code == 401
            assert issuer.fetches - fetches <= 1
    finally:
        issuer.close()
