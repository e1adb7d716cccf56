"""The running platform for the end-to-end tests: the four services as processes over the test run's
Kafka, PostgreSQL and identity provider, with a real SMTP server, from empty databases."""

import dataclasses
from urllib.parse import urlsplit

import asyncpg
import pytest
from aiosmtpd.controller import Controller

from mesh_local.config import SERVICES
from mesh_local.postgres import provision_service_databases
from mesh_local.services import LocalServices
from tests.integration.notify.conftest import Inbox, free_port
from tests.support.infrastructure import local_test_config

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
        for service in SERVICES:  # each run starts from empty service databases
            await connection.execute(f'DROP DATABASE IF EXISTS "{config.database_name(service)}" WITH (FORCE)')
    finally:
        await connection.close()
    await provision_service_databases(endpoints.postgres_admin_url, config)
    config.clock_offset_file.unlink(missing_ok=True)  # each run starts at the machine's time
    services.start(extra_env=ENVIRONMENT)
    try:
        services.wait_ready(timeout=120)
        yield config, services
    finally:
        services.stop()
