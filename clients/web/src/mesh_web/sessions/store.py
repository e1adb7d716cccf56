"""Sessions kept in mesh-web's PostgreSQL: what the cookie's id opens, for how long, and how it ends.

Rules:
- The cookie carries 256 random bits; the table keeps their SHA-256, so a read of the table opens nothing.
- A session ends after ``idle`` unused or ``lifetime`` after it began, whichever is first.
- Signing in always starts a new session (a new id), so an id planted before sign-in is worth nothing.
- Tokens are refreshed once per session however many requests race: the row is locked, and whoever
  comes second finds fresh tokens already there (``refresh_once``).
- The IdP's back-channel logout ends every session of that IdP session (or subject) at once.
"""

import hashlib
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

from mesh_web.sessions.sealing import Sealer, Unsealable

Clock = Callable[[], datetime]
TOUCH_EVERY = timedelta(minutes=1)  # seen_at is written at most this often per session


def _hash(cookie: str) -> bytes:
    return hashlib.sha256(cookie.encode()).digest()


@dataclass
class Session:
    cookie: str
    data: dict[str, Any] = field(default_factory=dict)
    subject: str | None = None
    idp_session: str | None = None
    expires_at: datetime | None = None
    seen_at: datetime | None = None
    stored: bool = False
    changed: bool = False  # something the next request needs was put in it: store it

    @property
    def id_hash(self) -> bytes:
        return _hash(self.cookie)

    @property
    def signed_in(self) -> bool:
        return self.subject is not None and "tokens" in self.data


class SessionStore:
    def __init__(
        self,
        pool: asyncpg.Pool,
        sealer: Sealer,
        *,
        idle: timedelta,
        lifetime: timedelta,
        clock: Clock = lambda: datetime.now(UTC),
    ) -> None:
        self._pool, self._sealer, self._idle, self._lifetime, self._now = pool, sealer, idle, lifetime, clock

    @staticmethod
    def fresh() -> Session:
        """A session not yet stored (nothing is written until something is kept in it)."""
        return Session(cookie=secrets.token_urlsafe(32))

    async def load(self, cookie: str | None) -> Session | None:
        if not cookie or len(cookie) > 100:
            return None
        now = self._now()
        row = await self._pool.fetchrow(
            "SELECT subject, idp_session, sealed, seen_at, expires_at FROM web_sessions "
            "WHERE id_hash = $1 AND expires_at > $2 AND seen_at > $3",
            _hash(cookie),
            now,
            now - self._idle,
        )
        if row is None:
            return None
        try:
            data = self._sealer.open(row["sealed"], _hash(cookie))
        except Unsealable:
            return None
        session = Session(cookie, data, row["subject"], row["idp_session"], row["expires_at"], row["seen_at"], True)
        if now - row["seen_at"] > TOUCH_EVERY:
            await self._pool.execute("UPDATE web_sessions SET seen_at = $2 WHERE id_hash = $1", session.id_hash, now)
        return session

    async def save(self, session: Session) -> None:
        """Keep what this request changed. Tokens are the one thing a request never writes back: the
        stored ones win, since another request may have refreshed (and the IdP rotated) them meanwhile."""
        now = self._now()
        if session.expires_at is None:
            session.expires_at = now + self._lifetime
        async with self._pool.acquire() as connection, connection.transaction():
            row = await connection.fetchrow("SELECT sealed FROM web_sessions WHERE id_hash = $1 FOR UPDATE", session.id_hash)
            if row is not None:
                try:
                    stored = self._sealer.open(row["sealed"], session.id_hash)
                except Unsealable:
                    stored = {}
                if "tokens" in stored:
                    session.data["tokens"] = stored["tokens"]
            elif session.subject is not None:
                # Signed in, but the row is gone: the session ended while this request ran (signed out, ended
                # by the IdP, forgotten). It stays ended: only begin_signed_in makes a signed-in row. What
                # else the request kept (a form) goes on in a signed-out session.
                session.subject = session.idp_session = None
                session.data.pop("tokens", None)
                session.data.pop("who", None)
            await self._write(connection, session, now)

    async def _write(self, connection: asyncpg.Connection, session: Session, now: datetime) -> None:
        sealed = self._sealer.seal(session.data, session.id_hash)
        await connection.execute(
            "INSERT INTO web_sessions (id_hash, subject, idp_session, sealed, created_at, seen_at, expires_at) "
            "VALUES ($1, $2, $3, $4, $5, $5, $6) ON CONFLICT (id_hash) DO UPDATE SET subject = $2, idp_session = $3, "
            "sealed = $4, seen_at = $5",
            session.id_hash,
            session.subject,
            session.idp_session,
            sealed,
            now,
            session.expires_at,
        )
        session.stored = True

    async def begin_signed_in(
        self, previous: Session | None, data: dict[str, Any], subject: str, idp_session: str | None
    ) -> Session:
        """Sign-in: the old session (and its id) goes; a new one, with a new id, begins."""
        if previous is not None and previous.stored:
            await self.end(previous)
        session = self.fresh()
        session.data, session.subject, session.idp_session = data, subject, idp_session
        session.expires_at = self._now() + self._lifetime
        async with self._pool.acquire() as connection:
            await self._write(connection, session, self._now())
        return session

    async def end(self, session: Session) -> None:
        await self._pool.execute("DELETE FROM web_sessions WHERE id_hash = $1", session.id_hash)
        session.stored = False

    async def end_idp_session(self, *, idp_session: str | None, subject: str | None) -> int:
        """The IdP says this session (or, without one, every session of this subject) has ended."""
        if idp_session:
            status = await self._pool.execute("DELETE FROM web_sessions WHERE idp_session = $1", idp_session)
        elif subject:
            status = await self._pool.execute("DELETE FROM web_sessions WHERE subject = $1", subject)
        else:
            return 0
        return int(status.split()[-1])

    async def forget_expired(self) -> int:
        now = self._now()
        status = await self._pool.execute(
            "DELETE FROM web_sessions WHERE expires_at <= $1 OR seen_at <= $2", now, now - self._idle
        )
        return int(status.split()[-1])

    async def refresh_once(
        self,
        session: Session,
        is_fresh: Callable[[dict[str, Any]], bool],
        refresh: Callable[[dict[str, Any]], Awaitable[dict[str, Any]]],
    ) -> dict[str, Any] | None:
        """Fresh tokens for ``session``: if another request refreshed while this one waited for the row,
        theirs; else ``refresh``'s, stored before the lock goes. None when the session ended meanwhile."""
        async with self._pool.acquire() as connection, connection.transaction():
            row = await connection.fetchrow("SELECT sealed FROM web_sessions WHERE id_hash = $1 FOR UPDATE", session.id_hash)
            if row is None:
                return None
            data = self._sealer.open(row["sealed"], session.id_hash)
            if not is_fresh(data.get("tokens", {})):
                data["tokens"] = await refresh(data.get("tokens", {}))
                await connection.execute(
                    "UPDATE web_sessions SET sealed = $2 WHERE id_hash = $1",
                    session.id_hash,
                    self._sealer.seal(data, session.id_hash),
                )
        session.data["tokens"] = data["tokens"]
        return data["tokens"]
