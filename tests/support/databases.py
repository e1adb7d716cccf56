"""Throwaway PostgreSQL databases, each with a service's migrations applied (or mesh-web's).

As in production, each is owned by one role, which applies the migrations, and reached by the
services as another, which owns nothing (no superuser, no BYPASSRLS): row-level security and the
append-only audit trail hold in the tests exactly as they do there.

Each is a copy of a template migrated once (``tests.support.templates``), not migrated anew."""

import inspect
import uuid
from functools import cache
from importlib import resources
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from mesh_runtime import migrations as runtime_migrations
from mesh_runtime.app import RUNTIME_MIGRATIONS
from mesh_runtime.migrations import apply_migrations, load_migrations
from tests.support import templates
from tests.support.templates import Template, quoted

SERVICE_ROLE, SERVICE_PASSWORD = "mesh_test_service", "test-service-secret"
OWNER_ROLE, OWNER_PASSWORD = "mesh_test_owner", "test-owner-secret"


def with_database(admin_url: str, database: str, role: str | None = None, password: str | None = None) -> str:
    parts = urlsplit(admin_url)
    if role:
        parts = parts._replace(netloc=f"{role}:{password}@{parts.hostname}:{parts.port}")
    return urlunsplit(parts._replace(path=f"/{database}"))


def owner_url(url: str) -> str:
    """The owner's DSN of a database ``create_database`` made, from the service's."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"{OWNER_ROLE}:{OWNER_PASSWORD}@{parts.hostname}:{parts.port}"))


def _name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


async def create_database(admin_url: str, *migration_packages: str) -> str:
    """A new database with the runtime's and the given packages' migrations; returns the DSN the
    service uses (its runtime role's); ``owner_url`` gives the owner's. A service started on it still
    checks its migrations, and applies those it lacks."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    await _copy(admin_url, _service_template(admin_url, migration_packages), name)
    return with_database(admin_url, name, SERVICE_ROLE, SERVICE_PASSWORD)


async def create_web_database(admin_url: str) -> str:
    """A new database with mesh-web's migrations (``mesh_web.storage.migrate``, not the services' runtime
    migrations); returns the DSN the app uses (the runtime role's)."""
    name = f"test_web_{uuid.uuid4().hex[:12]}"
    await _copy(admin_url, _web_template(admin_url), name)
    return with_database(admin_url, name, SERVICE_ROLE, SERVICE_PASSWORD)


@cache
def _service_template(admin_url: str, packages: tuple[str, ...]) -> Template:
    migrations = load_migrations(RUNTIME_MIGRATIONS, *packages)

    async def migrate(name: str) -> None:
        await apply_migrations(with_database(admin_url, name, OWNER_ROLE, OWNER_PASSWORD), migrations, grant_to=SERVICE_ROLE)

    migrator = inspect.getsource(runtime_migrations)
    made_from = (*(f"{m.package}/{m.name}/{m.checksum}" for m in migrations), migrator, SERVICE_ROLE, OWNER_ROLE)
    return Template("+".join((RUNTIME_MIGRATIONS, *packages)), made_from, migrate)


@cache
def _web_template(admin_url: str) -> Template:
    from mesh_web import storage  # only the web tests need the web app

    async def migrate(name: str) -> None:
        owner = with_database(admin_url, name, OWNER_ROLE, OWNER_PASSWORD)
        await storage.migrate(owner, with_database(admin_url, name, SERVICE_ROLE, SERVICE_PASSWORD))

    files = [entry for entry in resources.files("mesh_web.migrations").iterdir() if entry.name.endswith(".sql")]
    sources = sorted(f"{entry.name}/{entry.read_text()}" for entry in files)
    made_from = (*sources, inspect.getsource(storage.migrate), SERVICE_ROLE, OWNER_ROLE)
    return Template("mesh_web.migrations", made_from, migrate)


async def _copy(admin_url: str, template: Template, name: str) -> None:
    admin = await asyncpg.connect(admin_url)
    try:
        await _ensure_roles(admin, admin_url)
        await templates.copy(admin, template, name, owner=OWNER_ROLE)
        await admin.execute(f"GRANT CONNECT, TEMPORARY ON DATABASE {quoted(name)} TO {SERVICE_ROLE}")
    finally:
        await admin.close()


_roles_made: set[str] = set()  # admin DSNs whose server has the two roles


async def _ensure_roles(admin: asyncpg.Connection, admin_url: str) -> None:
    if admin_url in _roles_made:
        return
    async with templates.serialized(admin):  # two processes creating a role at once would collide
        for role, password in ((SERVICE_ROLE, SERVICE_PASSWORD), (OWNER_ROLE, OWNER_PASSWORD)):
            await admin.execute(f"""
                DO $$ BEGIN
                    CREATE ROLE {role} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB PASSWORD '{password}';
                EXCEPTION WHEN duplicate_object THEN NULL;
                END $$""")
    _roles_made.add(admin_url)


async def as_owner(url: str, *statements: str) -> None:
    """Schema changes a test needs beyond the migrations, made as the owner (the service's role owns
    nothing); the service's role is then granted the use of any new table, as after a migration."""
    connection = await asyncpg.connect(owner_url(url))
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()
    await apply_migrations(owner_url(url), [], grant_to=SERVICE_ROLE)


async def drop_database(admin_url: str, url: str) -> None:
    connection = await asyncpg.connect(admin_url)
    try:
        await connection.execute(f"DROP DATABASE IF EXISTS {quoted(_name(url))} WITH (FORCE)")
    finally:
        await connection.close()
