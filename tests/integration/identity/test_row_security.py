"""Row-level security: a query that forgets its institution filter still stays in its tenant.
Checked as each service's own kind of role (no superuser, no BYPASSRLS), on every table that holds
an institution's rows."""

import asyncpg
import pytest

from mesh_profile.bootstrap import DEFINITION as PROFILE
from mesh_runtime.db import ALL_TENANTS, Database, create_pool
from mesh_runtime.migrations import UnsafeRuntimeRole, check_runtime_role
from mesh_runtime.registry import service_definitions
from tests.support.databases import owner_url, with_database
from tests.support.services import in_tenant, running

PACKAGES = {definition.name: definition.migrations_package for definition in service_definitions()}
TENANT_TABLES = {  # each service's (a new service's test fails until it is listed here)
    "profile": {"participants", "programs", "program_seats", "erasures"},
    "matching": {
        "candidates",
        "matches",
        "program_policies",
        "open_slots",
        "programs",
        "pair_sessions",
        "excluded_pairs",
        "pair_nudges",
        "candidate_name_words",
        "round_previews",
        "health_people",
        "health_pair_weeks",
        "health_counts",
        "health_counts_by_date",
        "health_deltas",
        "erased_participants",
    },
    "scheduling": {"pairs", "sessions", "erased_participants", "agreements", "goal_progress", "calendar_feeds"},
    "notify": {
        "contacts",
        "notifications",
        "erased_participants",
        "session_revisions",
        "notification_preferences",
        "coordinator_digests",
    },
}
RUNTIME_TENANT_TABLES = {"mesh_audit"}


def superuser_url(endpoints, url: str) -> str:
    return with_database(endpoints.postgres_admin_url, url.rsplit("/", 1)[1])


@pytest.mark.parametrize("service", PACKAGES)
async def test_every_table_with_an_institution_is_row_secured_even_for_its_owner(service, database_factory) -> None:
    url = await database_factory(PACKAGES[service])
    connection = await asyncpg.connect(url)
    try:
        secured = await connection.fetch(
            """
            SELECT c.relname, c.relrowsecurity AND c.relforcerowsecurity AS forced FROM pg_class c
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'institution' AND NOT a.attisdropped
            WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace
            """
        )
        assert {row["relname"] for row in secured} == TENANT_TABLES[service] | RUNTIME_TENANT_TABLES
        assert all(row["forced"] for row in secured), secured
        assert not await connection.fetchval("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user")
    finally:
        await connection.close()


async def test_another_tenant_a_forgotten_tenant_and_a_sweep_see_what_they_should(database_factory) -> None:
    database = Database(await create_pool(await database_factory(PACKAGES["matching"])))
    try:
        await in_tenant(database, "northbridge").execute(
            "INSERT INTO program_policies (program_id, version, policy) VALUES ('stem', 1, '{}')"
        )
        count = "SELECT count(*) FROM program_policies"
        assert await in_tenant(database, "northbridge").fetchval(count) == 1
        assert await in_tenant(database, "riverside").fetchval(count) == 0
        async with database.transaction() as transaction:  # names no tenant: sees nothing
            assert await transaction.connection.fetchval(count) == 0
        assert await in_tenant(database, ALL_TENANTS).fetchval(count) == 1  # an explicit sweep sees all
        with pytest.raises(asyncpg.InsufficientPrivilegeError):  # writing into another tenant's rows
            await in_tenant(database, "riverside").execute(
                "INSERT INTO program_policies (institution, program_id, version, policy) VALUES ('northbridge', 'x', 1, '{}')"
            )
        with pytest.raises(asyncpg.InsufficientPrivilegeError):  # a sweep cannot make a row everyone sees
            await in_tenant(database, ALL_TENANTS).execute(
                "INSERT INTO program_policies (program_id, version, policy) VALUES ('y', 1, '{}')"
            )
        # And no row is written without a tenant at all: an unset setting fails the column default, one
        # reset to '' by an earlier transaction on the same connection fails the policy.
        with pytest.raises((asyncpg.UndefinedObjectError, asyncpg.InsufficientPrivilegeError)):
            await database.pool.execute("INSERT INTO program_policies (program_id, version, policy) VALUES ('z', 1, '{}')")
        moved = await in_tenant(database, "riverside").execute("UPDATE program_policies SET version = 9")
        assert moved == "UPDATE 0"
    finally:
        await database.close()


@pytest.mark.parametrize("service", PACKAGES)
async def test_l5_the_service_role_owns_nothing_and_cannot_lift_row_security_or_rewrite_the_audit_trail(
    service, database_factory
) -> None:
    url = await database_factory(PACKAGES[service])
    connection = await asyncpg.connect(url)
    try:
        await check_runtime_role(connection)  # passes: the role the services run as
        for table in TENANT_TABLES[service]:
            with pytest.raises(asyncpg.InsufficientPrivilegeError):  # only the owner may alter a table
                await connection.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await connection.execute("CREATE TABLE sneaky (x int)")
        await connection.execute("SELECT set_config('mesh.institution', 'northbridge', false)")
        await connection.execute(
            "INSERT INTO mesh_audit (actor_subject, actor_roles, action, resource) VALUES ('a', '{admin}', 'x', 'y')"
        )  # appended
        for change in (
            "UPDATE mesh_audit SET action = 'nothing happened'",
            "DELETE FROM mesh_audit",
            "TRUNCATE mesh_audit",
            "UPDATE mesh_schema_migrations SET checksum = ''",
        ):
            with pytest.raises(asyncpg.InsufficientPrivilegeError):  # L4: append-only for the role that writes it
                await connection.execute(change)
    finally:
        await connection.close()


async def test_l5_a_service_refuses_to_start_as_its_tables_owner_or_as_a_superuser(endpoints, database_factory) -> None:
    url = await database_factory(PACKAGES["profile"])
    for role_url, refusal in ((owner_url(url), "owns tables"), (superuser_url(endpoints, url), "is a superuser")):
        with pytest.raises(UnsafeRuntimeRole, match=refusal):
            async with running(PROFILE, endpoints.kafka_bootstrap, role_url):
                pass
