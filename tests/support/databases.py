"""Throwaway PostgreSQL databases, each with a service's migrations applied."""

import uuid
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from mesh_runtime.app import RUNTIME_MIGRATIONS
from mesh_runtime.migrations import apply_migrations, load_migrations


def with_database(admin_url: str, database: str) -> str:
    parts = urlsplit(admin_url)
    return urlunsplit(parts._replace(path=f"/{database}"))


async def create_database(admin_url: str, *migration_packages: str) -> str:
    """A new empty database with the runtime's and the given packages' migrations; returns its DSN."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    connection = await asyncpg.connect(admin_url)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    url = with_database(admin_url, name)
    await apply_migrations(url, load_migrations(RUNTIME_MIGRATIONS, *migration_packages))
    return url


async def drop_database(admin_url: str, url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    connection = await asyncpg.connect(admin_url)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()
