"""Each service's role reaches its own database only."""

from urllib.parse import urlsplit

import asyncpg
import pytest

from mesh_local.config import SERVICES, LocalConfig
from mesh_local.postgres import provision_service_databases


async def test_no_service_can_connect_to_another_services_database(endpoints) -> None:
    admin = urlsplit(endpoints.postgres_admin_url)
    config = LocalConfig(postgres_host=admin.hostname, postgres_port=admin.port)
    await provision_service_databases(endpoints.postgres_admin_url, config)
    await provision_service_databases(endpoints.postgres_admin_url, config)  # idempotent
    for service in SERVICES:
        own = await asyncpg.connect(config.database_url(service))
        await own.close()
        for other in SERVICES:
            if other == service:
                continue
            foreign = config.database_url(service).rsplit("/", 1)[0] + f"/{config.database_name(other)}"
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await asyncpg.connect(foreign)
