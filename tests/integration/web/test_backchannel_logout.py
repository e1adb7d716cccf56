"""The IdP's back-channel logout through the app's own route (auth/routes.py) behind WebSecurity: a server's
call without Origin or Fetch Metadata, a logout token signed with the (mocked) IdP's key, sessions in real
PostgreSQL."""

from collections.abc import Callable
from types import SimpleNamespace

import httpx
import pytest
from fastapi import FastAPI

from mesh_web.auth.routes import router
from mesh_web.security import WebSecurity
from mesh_web.sessions.store import SessionStore
from tests.support.web import ISSUER, OTHER_KEY, FakeIdP, MockedIdentityProvider, logout_claims, sign

ORIGIN = "https://mentoring.example.edu"


@pytest.fixture
def client(store: SessionStore) -> httpx.AsyncClient:
    app = FastAPI()
    app.include_router(router)
    app.state.wiring = SimpleNamespace(idp=MockedIdentityProvider(FakeIdP()), sessions=store)
    app.add_middleware(WebSecurity, origin=ORIGIN, idp_issuer=ISSUER)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url=ORIGIN)


async def sign_in(store: SessionStore, subject: str, sid: str | None) -> str:
    session = await store.begin_signed_in(None, {"tokens": {"access_token": "a"}}, subject=subject, idp_session=sid)
    return session.cookie


async def test_a_valid_logout_token_ends_that_idp_sessions_sessions_here(client: httpx.AsyncClient, store: SessionStore) -> None:
    ended = await sign_in(store, "subject-1", "idp-session-1")
    same_person_elsewhere = await sign_in(store, "subject-1", "idp-session-2")

    answer = await client.post("/auth/backchannel-logout", data={"logout_token": sign(logout_claims())})

    assert answer.status_code == 200 and answer.text == "ended 1 session(s)"
    assert answer.headers["cache-control"] == "no-store"
    assert await store.load(ended) is None
    assert await store.load(same_person_elsewhere) is not None


async def test_a_logout_token_without_a_session_ends_all_of_the_subjects(client: httpx.AsyncClient, store: SessionStore) -> None:
    cookies = [await sign_in(store, "subject-1", sid) for sid in ("idp-session-1", "idp-session-2")]
    other = await sign_in(store, "subject-2", "idp-session-3")

    answer = await client.post("/auth/backchannel-logout", data={"logout_token": sign(logout_claims(sid=None))})

    assert answer.status_code == 200 and answer.text == "ended 2 session(s)"
    for cookie in cookies:
        assert await store.load(cookie) is None
    assert await store.load(other) is not None


@pytest.mark.parametrize(
    "token",
    [
        lambda: sign(logout_claims(), key=OTHER_KEY),
        lambda: sign(logout_claims(events={})),
        lambda: sign(logout_claims(nonce="n")),
        lambda: "not-a-token",
    ],
    ids=["forged", "no-event", "with-nonce", "garbage"],
)
async def test_a_bad_logout_token_ends_nothing(client: httpx.AsyncClient, store: SessionStore, token: Callable[[], str]) -> None:
    cookie = await sign_in(store, "subject-1", "idp-session-1")

    answer = await client.post("/auth/backchannel-logout", data={"logout_token": token()})

    assert answer.status_code == 400
    assert await store.load(cookie) is not None
