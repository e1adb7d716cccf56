"""The running platform for the end-to-end tests: the four services as processes over the test run's
Kafka, PostgreSQL and identity provider, with a real SMTP server, from empty databases."""

import dataclasses
from datetime import UTC, datetime
from urllib.parse import urlsplit

import asyncpg
import pytest
from aiosmtpd.controller import Controller

from mesh_local.config import SERVICES
from mesh_local.postgres import provision_service_databases
from mesh_local.services import LocalServices
from mesh_runtime.clock import advance
from tests.integration.notify.conftest import Inbox, free_port
from tests.support.infrastructure import local_test_config


def before_spring_dst() -> datetime:
    """The next 10 March, at this time of day."""
    now = datetime.now(UTC)
    this_year = now.replace(month=3, day=10)
    return this_year if this_year > now else this_year.replace(year=now.year + 1)


ENVIRONMENT = {"MESH_LOG_LEVEL": "INFO", "MESH_DRAIN_TIMEOUT_SECONDS": "10"}


@pytest.fixture(scope="module")
def smtp_inbox():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller.port, inbox
    controller.stop()


@pytest.fixture(scope="module")
async def platform(endpoints, smtp_inbox):
    admin = urlsplit(endpoints.postgres_admin_url)
    config = dataclasses.replace(
        local_test_config(),
        postgres_host=admin.hostname,
        postgres_port=admin.port,
        kafka_bootstrap_servers=endpoints.kafka_bootstrap,
        smtp_port=smtp_inbox[0],
    )
    services = LocalServices(config)
    services.stop()  # a run killed halfway may have left its services behind, on databases about to go
    connection = await asyncpg.connect(endpoints.postgres_admin_url)
    try:
        for service in (*SERVICES, "web"):  # each run starts from empty service databases (and the web app's)
            await connection.execute(f'DROP DATABASE IF EXISTS "{config.database_name(service)}" WITH (FORCE)')
    finally:
        await connection.close()
    await provision_service_databases(endpoints.postgres_admin_url, config)
    # The platform's clock starts on 10 March: the pairs' weekly series then cross both springs'
    # daylight-saving changes (New York on the 14th, Berlin and London on the 28th).
    config.clock_offset_file.unlink(missing_ok=True)
    advance(config.clock_offset_file, before_spring_dst() - datetime.now(UTC))
    services.start(extra_env=ENVIRONMENT)
    try:
        services.wait_ready(timeout=120)
        yield config, services
    finally:
        services.stop()
