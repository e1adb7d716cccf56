"""Throwaway PostgreSQL databases, each with a service's migrations applied.

As in production, each is owned by one role, which applies the migrations, and reached by the
services as another, which owns nothing (no superuser, no BYPASSRLS): row-level security and the
append-only audit trail hold in the tests exactly as they do there."""

import uuid
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from mesh_runtime.app import RUNTIME_MIGRATIONS
from mesh_runtime.migrations import apply_migrations, load_migrations

SERVICE_ROLE, SERVICE_PASSWORD = "mesh_test_service", "test-service-secret"
OWNER_ROLE, OWNER_PASSWORD = "mesh_test_owner", "test-owner-secret"


def with_database(admin_url: str, database: str, role: str | None = None, password: str | None = None) -> str:
    parts = urlsplit(admin_url)
    if role:
        parts = parts._replace(netloc=f"{role}:{password}@{parts.hostname}:{parts.port}")
    return urlunsplit(parts._replace(path=f"/{database}"))


async def create_database(admin_url: str, *migration_packages: str) -> str:
    """A new empty database with the runtime's and the given packages' migrations; returns the DSN the
    service uses (its runtime role's); ``owner_url`` gives the owner's."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    connection = await asyncpg.connect(admin_url)
    try:
        for role, password in ((SERVICE_ROLE, SERVICE_PASSWORD), (OWNER_ROLE, OWNER_PASSWORD)):
            await connection.execute(f"""
                DO $$ BEGIN
                    CREATE ROLE {role} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB PASSWORD '{password}';
                EXCEPTION WHEN duplicate_object THEN NULL;
                END $$""")
        await connection.execute(f'CREATE DATABASE "{name}" OWNER {OWNER_ROLE}')
        await connection.execute(f'GRANT CONNECT, TEMPORARY ON DATABASE "{name}" TO {SERVICE_ROLE}')
    finally:
        await connection.close()
    url = with_database(admin_url, name, SERVICE_ROLE, SERVICE_PASSWORD)
    await apply_migrations(owner_url(url), load_migrations(RUNTIME_MIGRATIONS, *migration_packages), grant_to=SERVICE_ROLE)
    return url


def owner_url(url: str) -> str:
    """The owner's DSN of a database ``create_database`` made, from the service's."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"{OWNER_ROLE}:{OWNER_PASSWORD}@{parts.hostname}:{parts.port}"))


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
    name = urlsplit(url).path.lstrip("/")
    connection = await asyncpg.connect(admin_url)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()
