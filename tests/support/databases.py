"""Throwaway PostgreSQL databases, each with a service's migrations applied.

Each is owned by, and reached as, an ordinary role (no superuser, no BYPASSRLS), as a service's own
role is in production: row-level security holds in the tests exactly as it does there."""

import uuid
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from mesh_runtime.app import RUNTIME_MIGRATIONS
from mesh_runtime.migrations import apply_migrations, load_migrations

SERVICE_ROLE, SERVICE_PASSWORD = "mesh_test_service", "test-service-secret"


def with_database(admin_url: str, database: str, role: str | None = None, password: str | None = None) -> str:
    parts = urlsplit(admin_url)
    if role:
        parts = parts._replace(netloc=f"{role}:{password}@{parts.hostname}:{parts.port}")
    return urlunsplit(parts._replace(path=f"/{database}"))


async def create_database(admin_url: str, *migration_packages: str) -> str:
    """A new empty database with the runtime's and the given packages' migrations; returns its DSN."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    connection = await asyncpg.connect(admin_url)
    try:
        await connection.execute(f"""
            DO $$ BEGIN
                CREATE ROLE {SERVICE_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB PASSWORD '{SERVICE_PASSWORD}';
            EXCEPTION WHEN duplicate_object THEN NULL;
            END $$""")
        await connection.execute(f'CREATE DATABASE "{name}" OWNER {SERVICE_ROLE}')
    finally:
        await connection.close()
    url = with_database(admin_url, name, SERVICE_ROLE, SERVICE_PASSWORD)
    await apply_migrations(url, load_migrations(RUNTIME_MIGRATIONS, *migration_packages))
    return url


async def drop_database(admin_url: str, url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    connection = await asyncpg.connect(admin_url)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()
