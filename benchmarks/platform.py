"""The four services as separate processes for a benchmark, on the run's Kafka and PostgreSQL, with
tokens from the test issuer (minted here, any number of different people) and a real SMTP server.

Also what a benchmark reads from outside: each service's database (as an operator would), its
processes' memory, and records on Kafka as a subscriber receives them.
"""

import asyncio
import dataclasses
import json
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition

from benchmarks.mail_counter import MailCounter
from mentoring_contracts import from_kafka
from mesh_local import processes
from mesh_local.config import SERVICES, LocalConfig
from mesh_local.postgres import provision_service_databases
from mesh_local.services import LocalServices
from mesh_runtime.registry import service_definitions
from tests.support.identity import INSTITUTION, bearer, local_issuer, service_secret
from tests.support.infrastructure import REPO_ROOT, Endpoints, local_test_config


@dataclasses.dataclass
class Platform:
    config: LocalConfig
    services: LocalServices
    smtp: MailCounter

    environment: dict[str, str] = dataclasses.field(default_factory=dict)  # more settings for every service
    programs: set[str] = dataclasses.field(default_factory=set)  # created through profile's API so far
    creating: asyncio.Lock = dataclasses.field(default_factory=asyncio.Lock)

    def url(self, service: str) -> str:
        return self.config.service_url(service)

    def start(self, service: str) -> None:
        self.services.start(
            (service,),
            extra_env={
                "MESH_SERVICE_CLIENT_SECRET": service_secret(service),  # the test issuer's clients
                "MESH_LOG_LEVEL": "WARNING",
                "MESH_OUTBOX_POLL_INTERVAL_SECONDS": "0.2",
                **self.environment,
            },
        )
        self.services.wait_ready((service,), timeout=120)

    def stop(self, service: str) -> None:
        self.services.stop((service,))

    def rss_mb(self) -> dict[str, float]:
        """Resident memory of each service process now (VmRSS), in MB."""
        sizes = {}
        for service in SERVICES:
            pid = processes.running_pid(self.services.pid_file(service))
            status = Path(f"/proc/{pid}/status").read_text() if pid else ""
            kb = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
            sizes[service] = round(kb / 1024, 1)
        return sizes

    @asynccontextmanager
    async def database(self, service: str, tenant: str = INSTITUTION) -> AsyncIterator[asyncpg.Connection]:
        """The service's own database, one transaction acting in ``tenant``."""
        connection = await asyncpg.connect(self.config.database_url(service))
        try:
            async with connection.transaction():
                await connection.execute("SELECT set_config('mesh.institution', $1, true)", tenant)
                yield connection
        finally:
            await connection.close()

    async def vacuum(self, service: str, *tables: str) -> None:
        connection = await asyncpg.connect(self.config.database_url(service))
        try:
            for table in tables:
                await connection.execute(f"VACUUM ANALYZE {table}")
        finally:
            await connection.close()

    async def inbox_count(self, service: str, event_type: str = "") -> int:
        async with self.database(service) as connection:
            return await connection.fetchval("SELECT count(*) FROM mesh_inbox WHERE event_type LIKE $1", f"%{event_type}%")

    async def outbox_pending(self, service: str) -> int:
        async with self.database(service) as connection:
            return await connection.fetchval("SELECT count(*) FROM mesh_outbox WHERE published_at IS NULL")


@asynccontextmanager
async def platform(
    endpoints: Endpoints,
    only: tuple[str, ...] = SERVICES,
    *,
    name: str = "bench",
    http_port_base: int = 29000,
    environment: dict[str, str] | None = None,
) -> AsyncIterator[Platform]:
    """Fresh service databases, an SMTP server, then the four services (or ``only`` these), each ready.
    ``name``: the state directory under .mesh (logs, PID files, the clock), which starts at real time."""
    smtp = MailCounter(REPO_ROOT / ".mesh" / name / "smtp")
    smtp.start()
    admin = urlsplit(endpoints.postgres_admin_url)
    config = dataclasses.replace(
        local_test_config(),
        state_dir=REPO_ROOT / ".mesh" / name,
        postgres_host=admin.hostname,
        postgres_port=admin.port,
        kafka_bootstrap_servers=endpoints.kafka_bootstrap,
        smtp_port=smtp.port,
        http_port_base=http_port_base,  # below the ephemeral range: no client socket holds it
        oidc_issuer_override=local_issuer().url,
    )
    services = LocalServices(config)
    services.stop()
    config.clock_offset_file.unlink(missing_ok=True)
    connection = await asyncpg.connect(endpoints.postgres_admin_url)
    try:
        for service in SERVICES:
            await connection.execute(f'DROP DATABASE IF EXISTS "{config.database_name(service)}" WITH (FORCE)')
    finally:
        await connection.close()
    await provision_service_databases(endpoints.postgres_admin_url, config)
    running = Platform(config, services, smtp, dict(environment or {}))
    try:
        for service in only:
            running.start(service)
        yield running
    finally:
        services.stop()
        smtp.stop()


def person_token(service: str, subject: str, email: str | None = None) -> dict[str, str]:
    """``email``: the address their institution vouches for (a join needs it)."""
    return bearer(
        local_issuer().token(
            audience=f"mesh-{service}", roles=("participant",), subject=subject, campuses=("north",), lifetime=3600, email=email
        )
    )


async def ensure_program(http: httpx.AsyncClient, platform: Platform, program_id: str) -> None:
    """A join needs its program: created once, by an admin, through profile's API (admitting every role)."""
    if program_id in platform.programs:
        return
    async with platform.creating:
        if program_id not in platform.programs:
            response = await http.post(
                f"{platform.url('profile')}/programs",
                json={
                    "program_id": program_id,
                    "name": program_id,
                    "setting": "academic",
                    "campuses": ["north", "south"],
                    "matching_mode": "mentor_mentee",
                    "roles_offered": ["mentor", "mentee", "peer"],
                },
                headers=bearer(local_issuer().token(audience="mesh-profile", roles=("admin",), campuses=("north", "south"))),
            )
            response.raise_for_status()
            platform.programs.add(program_id)


async def join(http: httpx.AsyncClient, platform: Platform, profile) -> tuple[str, str]:
    """A person joins as themself through profile's API; returns (participant id, their account)."""
    await ensure_program(http, platform, profile.program_id)
    subject = str(uuid.uuid4())
    response = await http.post(
        f"{platform.url('profile')}/participants",
        json=profile.model_dump(mode="json"),
        headers=person_token("profile", subject, str(profile.email)),
    )
    response.raise_for_status()
    return response.json()["participant_id"], subject


async def until(probe: Callable, timeout: float = 600, interval: float = 0.05) -> float:
    """Polls until ``probe()`` is true; returns the monotonic time it became so."""
    deadline = time.monotonic() + timeout
    while not await probe():
        if time.monotonic() > deadline:
            raise TimeoutError(f"not reached in {timeout:.0f} s")
        await asyncio.sleep(interval)
    return time.monotonic()


class Watcher:
    """Records as a subscriber receives them: the monotonic arrival time of each event, by type."""

    def __init__(self, bootstrap: str, topics: list[str]) -> None:
        self._consumer = AIOKafkaConsumer(*topics, bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="latest")
        self.arrivals: list[tuple[float, object]] = []
        self._task: asyncio.Task | None = None

    async def __aenter__(self) -> "Watcher":
        await self._consumer.start()
        await self._consumer.getmany(timeout_ms=500)  # assigned and positioned at the end before anything is sent
        self._task = asyncio.create_task(self._run())
        return self

    async def _run(self) -> None:
        while True:
            batch = await self._consumer.getmany(timeout_ms=200)
            now = time.monotonic()
            for records in batch.values():
                for record in records:
                    self.arrivals.append((now, from_kafka(record.headers, record.value)))

    async def __aexit__(self, *exc) -> None:
        if self._task:
            self._task.cancel()
        await self._consumer.stop()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))] if ordered else float("nan")


CONSUMES = {definition.name: definition.consumes for definition in service_definitions()}
CONCURRENCY = 32  # joins in flight at once


def figure(name: str, text: str, **values) -> None:
    """One readable line and one JSON line."""
    print(text, flush=True)
    print(json.dumps({"benchmark": "pipeline", "figure": name, **values}), flush=True)


async def join_all(http, running: Platform, profiles) -> list[tuple[str, str]]:
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(given):
        async with gate:
            return await join(http, running, given)

    return await asyncio.gather(*(one(given) for given in profiles))


async def lag(bootstrap: str, service: str) -> int:
    """Records on the service's topics its consumer group has not committed yet."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=service, enable_auto_commit=False)
    await consumer.start()
    try:
        topics = {model.topic for model in CONSUMES[service]}  # the contracts say how many partitions
        partitions = [TopicPartition(topic.name, p) for topic in topics for p in range(topic.partitions)]
        ends = await consumer.end_offsets(partitions)
        behind = 0
        for tp in partitions:
            behind += ends[tp] - ((await consumer.committed(tp)) or 0)
        return behind
    finally:
        await consumer.stop()


async def lagless(bootstrap: str, service: str) -> bool:
    return await lag(bootstrap, service) == 0
