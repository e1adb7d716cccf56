"""The IdP as mesh-web checks it (auth/oidc.py): ID tokens and back-channel logout tokens signed with a key made
here and published in a JWKS served by httpx.MockTransport (the real Keycloak is in the browser tests)."""

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from mesh_web.auth.oidc import SignIn, SignInFailed, tokens_fresh
from tests.support.web import (
    CLIENT,
    ISSUER,
    KEY,
    KID,
    OTHER_KEY,
    FakeIdP,
    MockedIdentityProvider,
    id_claims,
    logout_claims,
    sign,
)


@pytest.fixture
def fake() -> FakeIdP:
    return FakeIdP()


@pytest.fixture
def idp(fake: FakeIdP) -> MockedIdentityProvider:
    return MockedIdentityProvider(fake)


SIGN_IN = SignIn(state="the-state", nonce="the-nonce", verifier="v" * 48, return_to="/inbox")


async def test_a_good_id_token_signs_in(fake: FakeIdP, idp: MockedIdentityProvider) -> None:
    tokens, claims = await idp.finish(SIGN_IN, "the-code")

    assert claims["sub"] == "subject-1" and claims["sid"] == "idp-session-1"
    assert tokens["access_token"] == "access-1" and tokens["refresh_token"] == "refresh-1"
    assert tokens["id_token"] == fake.id_token and tokens["expires_at"] > time.time() + 200
    sent = fake.token_requests[0]
    assert sent["code"] == ["the-code"] and sent["code_verifier"] == [SIGN_IN.verifier]


# Tokens are made when the test runs (lambdas), not when it is collected: a token made at collection could
# have expired by then, and be refused for that rather than for what the case is about.
@pytest.mark.parametrize(
    "claims",
    [
        lambda: id_claims(nonce="another-sign-ins-nonce"),
        lambda: id_claims(nonce=None),
        lambda: id_claims(aud="another-client"),
        lambda: id_claims(iss="https://idp.example.edu/realms/other"),
        lambda: id_claims(exp=int(time.time()) - 120),  # past the 30 s leeway
        lambda: id_claims(exp=None),
        lambda: id_claims(iat=None),
    ],
    ids=["wrong-nonce", "no-nonce", "wrong-audience", "wrong-issuer", "expired", "no-expiry", "no-issued-at"],
)
async def test_a_bad_id_token_signs_no_one_in(fake: FakeIdP, idp: MockedIdentityProvider, claims: Callable[[], dict]) -> None:
    fake.id_token = sign(claims())

    with pytest.raises(SignInFailed):
        await idp.finish(SIGN_IN, "the-code")


@pytest.mark.parametrize(
    "token",
    [
        lambda: sign(id_claims(), key=OTHER_KEY),  # not the IdP's key, though it claims to be
        lambda: sign(id_claims(), key=OTHER_KEY, kid="encryption-1"),  # a key published for encryption, not signing
        lambda: sign(id_claims(), kid="unknown-kid"),
        lambda: jwt.encode(id_claims(), "", algorithm="none"),
        lambda: "not-a-jwt",
        lambda: "",
    ],
    ids=["other-key", "encryption-key", "unknown-kid", "alg-none", "garbage", "missing"],
)
async def test_an_id_token_not_signed_by_the_idp_is_refused(
    fake: FakeIdP, idp: MockedIdentityProvider, token: Callable[[], str]
) -> None:
    fake.id_token = token()

    with pytest.raises(SignInFailed):
        await idp.finish(SIGN_IN, "the-code")


async def test_the_public_key_used_as_an_hmac_secret_is_refused(fake: FakeIdP, idp: MockedIdentityProvider) -> None:
    public_pem = KEY.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    header = {"kid": KID, "alg": "HS256", "typ": "JWT"}
    signing_input = b".".join(base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=") for part in (header, id_claims()))
    signature = base64.urlsafe_b64encode(hmac.new(public_pem, signing_input, hashlib.sha256).digest()).rstrip(b"=")
    fake.id_token = (signing_input + b"." + signature).decode()

    with pytest.raises(SignInFailed):
        await idp.finish(SIGN_IN, "the-code")


async def test_a_refused_code_is_a_failed_sign_in(idp: MockedIdentityProvider) -> None:
    refusing = httpx.MockTransport(lambda request: httpx.Response(400, json={"error": "invalid_grant"}))
    idp.transport = refusing

    with pytest.raises(SignInFailed):
        await idp.finish(SIGN_IN, "a-used-code")


async def test_the_authorization_url_carries_pkce_state_nonce_and_language(idp: MockedIdentityProvider) -> None:
    url = urlsplit(await idp.authorization_url(SIGN_IN, "es"))
    query = {key: values[0] for key, values in parse_qs(url.query).items()}

    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{ISSUER}/auth"
    assert query["state"] == "the-state" and query["nonce"] == "the-nonce" and query["ui_locales"] == "es"
    assert query["code_challenge_method"] == "S256" and query["code_challenge"] != SIGN_IN.verifier
    assert query["client_id"] == CLIENT and query["response_type"] == "code" and "openid" in query["scope"].split()
    assert "client_secret" not in query


async def test_a_valid_logout_token_returns_its_session(idp: MockedIdentityProvider) -> None:
    claims = await idp.verify_logout_token(sign(logout_claims()))

    assert claims["sid"] == "idp-session-1"


async def test_a_logout_token_naming_only_a_subject_is_valid(idp: MockedIdentityProvider) -> None:
    claims = await idp.verify_logout_token(sign(logout_claims(sid=None)))

    assert claims["sub"] == "subject-1" and "sid" not in claims


@pytest.mark.parametrize(
    "changes",
    [
        {"events": None},
        {"events": {}},
        {"events": {"http://schemas.openid.net/event/other": {}}},
        {"nonce": "a-nonce"},  # an ID token passed off as a logout token
        {"sid": None, "sub": None},
        {"aud": "another-client"},
        {"iss": "https://elsewhere.example"},
    ],
    ids=["no-events", "empty-events", "other-event", "with-nonce", "names-no-one", "other-audience", "other-issuer"],
)
async def test_a_bad_logout_token_is_refused(idp: MockedIdentityProvider, changes: dict) -> None:
    with pytest.raises(SignInFailed):
        await idp.verify_logout_token(sign(logout_claims(**changes)))


async def test_a_logout_token_not_signed_by_the_idp_is_refused(idp: MockedIdentityProvider) -> None:
    with pytest.raises(SignInFailed):
        await idp.verify_logout_token(sign(logout_claims(), key=OTHER_KEY))


async def test_an_id_token_is_not_a_logout_token(idp: MockedIdentityProvider) -> None:
    with pytest.raises(SignInFailed):
        await idp.verify_logout_token(sign(id_claims()))


async def test_the_keys_are_fetched_once_not_per_token(fake: FakeIdP, idp: MockedIdentityProvider) -> None:
    for _ in range(3):
        await idp.verify_logout_token(sign(logout_claims()))

    assert fake.calls.count("/realms/mesh/certs") == 1


def test_tokens_are_refreshed_a_minute_before_they_expire() -> None:
    now = 1_000_000.0
    assert tokens_fresh({"access_token": "a", "expires_at": now + 61}, now)
    assert not tokens_fresh({"access_token": "a", "expires_at": now + 59}, now)
    assert not tokens_fresh({"expires_at": now + 3600}, now)
    assert not tokens_fresh({}, now)
