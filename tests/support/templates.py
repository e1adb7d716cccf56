"""Template databases: each set of migrations is applied once, to a template, and every test's database is a
copy of it (``CREATE DATABASE … TEMPLATE``) instead of being migrated again.

A template is named by a hash of what its schema comes from (the migration files and the code that applies
them): a changed migration makes a new template, and one no run has used for a day is dropped. It
is made under an advisory lock and under a temporary name, renamed once complete, so test processes running at
the same time neither race nor copy a half-migrated template; once made it accepts no connections, since
PostgreSQL refuses to copy a database anyone is connected to."""

import hashlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

import asyncpg

UNUSED_FOR = 24 * 3600  # seconds, after which a template is dropped
_LOCK_KEY = 7_242_101  # pg advisory lock: one maker of templates (and of the test roles) at a time
_PREFIX = "test_tpl_"
_known: set[str] = set()  # templates this process has seen complete


@dataclass(frozen=True)
class Template:
    family: str  # the packages migrated, e.g. "mesh_runtime.sql+mesh_matching.migrations"
    made_from: tuple[str, ...]  # everything the schema depends on: migration files, the migrator's source
    migrate: Callable[[str], Awaitable[object]]  # migrates a new database, given its name

    @property
    def name(self) -> str:
        return self.family_prefix + _digest("\0".join(self.made_from), 16)

    @property
    def family_prefix(self) -> str:
        return f"{_PREFIX}{_digest(self.family, 8)}_"


def _digest(text: str, length: int) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:length]


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@asynccontextmanager
async def serialized(admin: asyncpg.Connection) -> AsyncIterator[None]:
    """One test process at a time, across every process on this PostgreSQL."""
    await admin.execute("SELECT pg_advisory_lock($1)", _LOCK_KEY)
    try:
        yield
    finally:
        await admin.execute("SELECT pg_advisory_unlock($1)", _LOCK_KEY)


async def copy(admin: asyncpg.Connection, template: Template, name: str, *, owner: str) -> None:
    """Database ``name``, owned by ``owner``, as a copy of the template (made first if there is none)."""
    for attempt in (1, 2):
        await _ensure(admin, template, owner)
        try:
            await admin.execute(f"CREATE DATABASE {quoted(name)} TEMPLATE {quoted(template.name)} OWNER {quoted(owner)}")
            return
        except asyncpg.InvalidCatalogNameError:  # dropped by a run on other migrations since: make it again
            _known.discard(template.name)
            if attempt == 2:
                raise


async def _ensure(admin: asyncpg.Connection, template: Template, owner: str) -> None:
    if template.name in _known:
        return
    async with serialized(admin):
        if not await _exists(admin, template.name):
            await _make(admin, template, owner)
        await admin.execute(f"COMMENT ON DATABASE {quoted(template.name)} IS '{time.time():.0f}'")  # used now
        await _drop_unused(admin)
    _known.add(template.name)


async def _make(admin: asyncpg.Connection, template: Template, owner: str) -> None:
    building = template.name + "_new"
    await admin.execute(f"DROP DATABASE IF EXISTS {quoted(building)} WITH (FORCE)")  # left by a run stopped halfway
    await admin.execute(f"CREATE DATABASE {quoted(building)} OWNER {quoted(owner)}")
    await template.migrate(building)
    await admin.execute(f"ALTER DATABASE {quoted(building)} ALLOW_CONNECTIONS false")
    await admin.execute(f"ALTER DATABASE {quoted(building)} RENAME TO {quoted(template.name)}")


async def _exists(admin: asyncpg.Connection, name: str) -> bool:
    return await admin.fetchval("SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)", name)


async def _drop_unused(admin: asyncpg.Connection) -> None:
    """Templates no run has used for a day: made from migrations since changed (or a build cut short). Not sooner:
    runs on different versions of the code may overlap, each on its own template."""
    rows = await admin.fetch(
        "SELECT datname FROM pg_database WHERE left(datname, length($1)) = $1 "
        "AND coalesce(shobj_description(oid, 'pg_database'), '0')::float < $2",
        _PREFIX,
        time.time() - UNUSED_FOR,
    )
    for row in rows:
        await admin.execute(f"DROP DATABASE IF EXISTS {quoted(row['datname'])} WITH (FORCE)")
