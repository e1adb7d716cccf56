"""Sessions in mesh-web's real PostgreSQL: what is kept (and what never is), when a session ends, a new id at
sign-in, tokens never written back stale, one refresh however many requests race, and back-channel logout."""

import asyncio
import base64
import hashlib
import time
from datetime import timedelta
from typing import Any

import asyncpg
import pytest

from mesh_web.auth.oidc import RefreshFailed, tokens_fresh
from mesh_web.sessions.sealing import Sealer
from mesh_web.sessions.store import Session, SessionStore
from tests.integration.web.conftest import IDLE, KEY, LIFETIME, Clock

TOKENS = {
    "access_token": "AT-eyJhbGciOiJSUzI1NiJ9.access-secret",
    "refresh_token": "RT-refresh-secret-0001",
    "id_token": "IDT-id-token-secret-0001",
    "expires_at": time.time() + 24 * 3600,
}  # fresh however long the suite runs
WHO = {"subject": "subject-ana", "name": "Ana Ruiz", "username": "ana"}


async def signed_in(
    store: SessionStore, subject: str = "subject-ana", sid: str | None = "idp-session-1", tokens: dict[str, Any] | None = None
) -> Session:
    return await store.begin_signed_in(
        None, {"tokens": dict(tokens or TOKENS), "who": WHO | {"subject": subject}}, subject=subject, idp_session=sid
    )


async def rows(pool: asyncpg.Pool) -> list[asyncpg.Record]:
    return await pool.fetch("SELECT * FROM web_sessions ORDER BY created_at")


def as_bytes(value: Any) -> bytes:
    return value if isinstance(value, bytes) else str(value).encode()


# What is kept


async def test_only_the_hash_of_the_cookie_and_no_token_in_clear_is_stored(store: SessionStore, pool: asyncpg.Pool) -> None:
    session = await signed_in(store)

    [row] = await rows(pool)
    stored = [as_bytes(value) for value in row.values()]
    stored.append(as_bytes(await pool.fetchval("SELECT t::text FROM web_sessions t")))  # the row as PostgreSQL shows it
    cookie_bytes = base64.urlsafe_b64decode(session.cookie + "=" * (-len(session.cookie) % 4))
    secrets = [
        session.cookie.encode(),
        cookie_bytes,
        cookie_bytes.hex().encode(),
        *(TOKENS[name].encode() for name in ("access_token", "refresh_token", "id_token")),
        b"access-secret",
        b"refresh-secret",
        b"Ana Ruiz",
    ]
    for secret in secrets:
        assert not any(secret in value for value in stored), secret
    assert row["id_hash"] == hashlib.sha256(session.cookie.encode()).digest()
    assert len(cookie_bytes) == 32  # 256 random bits
    loaded = await store.load(session.cookie)
    assert loaded is not None and loaded.data["tokens"] == TOKENS  # and yet the cookie opens it


async def test_a_sealed_row_copied_onto_another_session_opens_nothing(store: SessionStore, pool: asyncpg.Pool) -> None:
    victim, attacker = await signed_in(store, "subject-ana"), await signed_in(store, "subject-bo")

    await pool.execute(
        "UPDATE web_sessions SET sealed = (SELECT sealed FROM web_sessions WHERE id_hash = $1), "
        "subject = 'subject-ana' WHERE id_hash = $2",
        victim.id_hash,
        attacker.id_hash,
    )

    assert await store.load(attacker.cookie) is None
    assert (await store.load(victim.cookie)).subject == "subject-ana"


@pytest.mark.parametrize("cookie", [None, "", "made-up", "x" * 101])
async def test_a_cookie_that_names_no_session_opens_none(store: SessionStore, cookie: str | None) -> None:
    await signed_in(store)

    assert await store.load(cookie) is None


async def test_nothing_is_written_for_a_visitor_until_something_is_kept(store: SessionStore, pool: asyncpg.Pool) -> None:
    visitor = store.fresh()
    assert await rows(pool) == []

    visitor.data["language"] = "es"
    await store.save(visitor)

    loaded = await store.load(visitor.cookie)
    assert loaded is not None and loaded.data == {"language": "es"} and not loaded.signed_in


async def test_sessions_sealed_with_a_rotated_out_key_still_open_and_are_resealed_with_the_new(
    store: SessionStore, pool: asyncpg.Pool, clock: Clock
) -> None:
    session = await signed_in(store)
    new_key = b"n" * 32
    rotated = SessionStore(pool, Sealer([new_key, KEY]), idle=IDLE, lifetime=LIFETIME, clock=clock)
    only_new = SessionStore(pool, Sealer([new_key]), idle=IDLE, lifetime=LIFETIME, clock=clock)

    assert await only_new.load(session.cookie) is None  # the old key is needed to open it
    loaded = await rotated.load(session.cookie)
    assert loaded is not None and loaded.data["tokens"] == TOKENS

    loaded.data["language"] = "es"
    await rotated.save(loaded)
    assert (await only_new.load(session.cookie)).data["language"] == "es"  # sealed again with the new key


# When a session ends


async def test_a_session_ends_after_being_idle_too_long(store: SessionStore, clock: Clock) -> None:
    session = await signed_in(store)

    for _ in range(6):  # used every 19 minutes: 1h54 in all, far past the idle limit, within its lifetime
        clock.advance(timedelta(minutes=19))
        assert await store.load(session.cookie) is not None
    clock.advance(IDLE + timedelta(seconds=1))

    assert await store.load(session.cookie) is None


async def test_a_session_ends_its_lifetime_after_sign_in_however_busy(store: SessionStore, clock: Clock) -> None:
    session = await signed_in(store)
    began = clock.now

    while clock.now + timedelta(minutes=10) < began + LIFETIME:
        clock.advance(timedelta(minutes=10))
        loaded = await store.load(session.cookie)
        assert loaded is not None
        loaded.data["visits"] = loaded.data.get("visits", 0) + 1
        await store.save(loaded)  # a busy session: saved on every request
    clock.now = began + LIFETIME + timedelta(seconds=1)

    assert await store.load(session.cookie) is None


async def test_forget_expired_removes_idle_and_outlived_sessions_only(
    store: SessionStore, pool: asyncpg.Pool, clock: Clock
) -> None:
    began = clock.now
    outlived = await signed_in(store, "subject-outlived")  # used all along, but its life ends at began + 2h
    never_seen = await signed_in(store, "subject-never-seen")
    idle = kept = None
    for minutes in range(20, 120, 20):
        clock.now = began + timedelta(minutes=minutes)
        assert await store.load(outlived.cookie) is not None
        if minutes == 80:
            idle = await signed_in(store, "subject-idle")  # never used after: idle since began + 1h20
        if minutes == 100:
            kept = await signed_in(store, "subject-kept")
    clock.now = began + LIFETIME + timedelta(minutes=1)

    assert await store.forget_expired() == 3

    assert [row["subject"] for row in await rows(pool)] == ["subject-kept"]
    assert await store.load(kept.cookie) is not None
    for gone in (outlived, never_seen, idle):
        assert await store.load(gone.cookie) is None
    assert await store.forget_expired() == 0


# Signing in


async def test_signing_in_issues_a_new_id_and_removes_the_old_row(store: SessionStore, pool: asyncpg.Pool) -> None:
    planted = store.fresh()  # an id an attacker could have planted before sign-in
    planted.data["sign_in"] = {"state": "s"}
    planted.data["form"] = {"page": "/profile", "values": {"bio": "typed before the session expired"}}
    await store.save(planted)
    before = await store.load(planted.cookie)

    session = await store.begin_signed_in(
        before, {"tokens": TOKENS, "who": WHO, "form": before.data["form"]}, subject="subject-ana", idp_session="idp-session-1"
    )

    assert session.cookie != planted.cookie
    assert await store.load(planted.cookie) is None
    assert [row["id_hash"] for row in await rows(pool)] == [session.id_hash]
    loaded = await store.load(session.cookie)
    assert loaded.signed_in and loaded.subject == "subject-ana" and loaded.idp_session == "idp-session-1"
    assert loaded.data["form"]["values"]["bio"] == "typed before the session expired"


async def test_each_sign_in_gets_its_own_id(store: SessionStore) -> None:
    ids = {(await signed_in(store)).cookie for _ in range(5)}

    assert len(ids) == 5


# Saving never writes back stale tokens


async def test_a_request_holding_old_tokens_saves_after_another_refreshed_and_the_stored_tokens_win(store: SessionStore) -> None:
    session = await signed_in(store, tokens=TOKENS | {"expires_at": time.time() - 10})
    slow_request = await store.load(session.cookie)  # began before the refresh, holds the old tokens
    fast_request = await store.load(session.cookie)
    refreshed = TOKENS | {"access_token": "AT-2", "refresh_token": "RT-2", "expires_at": time.time() + 300}

    async def refresh(tokens: dict[str, Any]) -> dict[str, Any]:
        return refreshed

    await store.refresh_once(fast_request, tokens_fresh, refresh)
    slow_request.data["language"] = "es"
    await store.save(slow_request)

    stored = await store.load(session.cookie)
    assert stored.data["tokens"] == refreshed
    assert stored.data["language"] == "es"  # what the slow request changed is kept
    assert slow_request.data["tokens"] == refreshed  # and it now holds the stored tokens


async def test_tokens_put_in_a_session_by_a_request_are_never_stored(store: SessionStore) -> None:
    session = await signed_in(store)
    request = await store.load(session.cookie)

    request.data["tokens"] = {"access_token": "forged", "refresh_token": "forged", "expires_at": time.time() + 999}
    await store.save(request)

    assert (await store.load(session.cookie)).data["tokens"] == TOKENS


# Refreshing once


async def test_refresh_once_however_many_requests_race(store: SessionStore) -> None:
    session = await signed_in(store, tokens=TOKENS | {"expires_at": time.time() - 10})
    requests = [await store.load(session.cookie) for _ in range(20)]  # 20 requests, each with its own copy
    calls: list[dict[str, Any]] = []

    async def refresh(tokens: dict[str, Any]) -> dict[str, Any]:
        calls.append(tokens)
        await asyncio.sleep(0.2)  # the IdP takes its time: everyone else is waiting meanwhile
        return {
            "access_token": f"AT-new-{len(calls)}",
            "refresh_token": f"RT-new-{len(calls)}",
            "id_token": tokens["id_token"],
            "expires_at": time.time() + 300,
        }

    results = await asyncio.gather(*(store.refresh_once(request, tokens_fresh, refresh) for request in requests))

    assert len(calls) == 1
    assert calls[0]["refresh_token"] == TOKENS["refresh_token"]
    assert {result["access_token"] for result in results} == {"AT-new-1"}
    assert {request.data["tokens"]["access_token"] for request in requests} == {"AT-new-1"}
    assert (await store.load(session.cookie)).data["tokens"]["refresh_token"] == "RT-new-1"


async def test_fresh_tokens_are_not_refreshed(store: SessionStore) -> None:
    session = await signed_in(store)

    async def refresh(tokens: dict[str, Any]) -> dict[str, Any]:
        raise AssertionError("refreshed fresh tokens")

    assert await store.refresh_once(await store.load(session.cookie), tokens_fresh, refresh) == TOKENS


async def test_a_refused_refresh_leaves_the_stored_tokens_as_they_were(store: SessionStore) -> None:
    stale = TOKENS | {"expires_at": time.time() - 10}
    session = await signed_in(store, tokens=stale)

    async def refresh(tokens: dict[str, Any]) -> dict[str, Any]:
        raise RefreshFailed("the IdP session has ended")

    with pytest.raises(RefreshFailed):
        await store.refresh_once(await store.load(session.cookie), tokens_fresh, refresh)
    assert (await store.load(session.cookie)).data["tokens"] == stale


async def test_refreshing_a_session_that_ended_meanwhile_gives_none(store: SessionStore) -> None:
    session = await signed_in(store, tokens=TOKENS | {"expires_at": time.time() - 10})
    request = await store.load(session.cookie)
    await store.end(session)

    async def refresh(tokens: dict[str, Any]) -> dict[str, Any]:
        raise AssertionError("refreshed an ended session")

    assert await store.refresh_once(request, tokens_fresh, refresh) is None


# Ending sessions


async def test_back_channel_logout_by_idp_session_ends_exactly_that_session(store: SessionStore, pool: asyncpg.Pool) -> None:
    laptop = await signed_in(store, "subject-ana", "idp-session-laptop")
    phone = await signed_in(store, "subject-ana", "idp-session-phone")
    other = await signed_in(store, "subject-bo", "idp-session-bo")

    assert await store.end_idp_session(idp_session="idp-session-laptop", subject="subject-ana") == 1

    assert await store.load(laptop.cookie) is None
    assert await store.load(phone.cookie) is not None and await store.load(other.cookie) is not None
    assert await store.end_idp_session(idp_session="idp-session-unknown", subject=None) == 0
    assert len(await rows(pool)) == 2


async def test_back_channel_logout_by_subject_ends_every_session_of_theirs(store: SessionStore, pool: asyncpg.Pool) -> None:
    await signed_in(store, "subject-ana", "idp-session-laptop")
    await signed_in(store, "subject-ana", None)
    other = await signed_in(store, "subject-bo", "idp-session-bo")

    assert await store.end_idp_session(idp_session=None, subject="subject-ana") == 2

    assert [row["subject"] for row in await rows(pool)] == ["subject-bo"]
    assert await store.load(other.cookie) is not None
    assert await store.end_idp_session(idp_session=None, subject=None) == 0


@pytest.mark.parametrize("how", ["back-channel", "sign-out", "forgotten"])
async def test_a_request_in_flight_when_its_session_ended_does_not_bring_it_back(
    store: SessionStore, pool: asyncpg.Pool, clock: Clock, how: str
) -> None:
    session = await signed_in(store, "subject-ana", "idp-session-1")
    in_flight = await store.load(session.cookie)
    if how == "back-channel":
        await store.end_idp_session(idp_session="idp-session-1", subject="subject-ana")
    elif how == "sign-out":
        await store.end(await store.load(session.cookie))
    else:
        clock.advance(IDLE + timedelta(seconds=1))
        await store.forget_expired()
        clock.advance(-IDLE)

    in_flight.data["form"] = {"page": "/profile", "values": {"bio": "typed"}}  # what the request kept
    await store.save(in_flight)

    assert await pool.fetchval("SELECT count(*) FROM web_sessions WHERE subject IS NOT NULL") == 0
    after = await store.load(session.cookie)
    assert after is None or (not after.signed_in and after.subject is None and "tokens" not in after.data)
    for row in await rows(pool):
        opened = Sealer([KEY]).open(row["sealed"], row["id_hash"])
        assert "tokens" not in opened and "who" not in opened
        assert opened["form"]["values"]["bio"] == "typed"  # nothing typed is lost
