"""Where the tests get a real Kafka and a real PostgreSQL.

In order of preference:
1. endpoints given in the environment (MESH_TEST_KAFKA_BOOTSTRAP and MESH_TEST_POSTGRES_ADMIN_URL);
2. testcontainers, where a Docker engine answers and MESH_TEST_INFRA is not 'local';
3. the project's own launcher (deploy/local): Kafka from Maven jars, PostgreSQL from Debian.
Never skipped: if none can start, the run fails and says why.
"""

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Endpoints:
    kafka_bootstrap: str
    postgres_admin_url: str
    provider: str


def _docker_available() -> bool:
    if shutil.which("docker") is None:
        return False
    return subprocess.run(["docker", "info"], capture_output=True, check=False, timeout=20).returncode == 0


@contextmanager
def provide() -> Iterator[Endpoints]:
    kafka, postgres = os.environ.get("MESH_TEST_KAFKA_BOOTSTRAP"), os.environ.get("MESH_TEST_POSTGRES_ADMIN_URL")
    if kafka and postgres:
        yield Endpoints(kafka, postgres, "environment")
        return
    if os.environ.get("MESH_TEST_INFRA", "auto") != "local" and _docker_available():
        with _containers() as endpoints:
            yield endpoints
        return
    with _launcher() as endpoints:
        yield endpoints


@contextmanager
def _containers() -> Iterator[Endpoints]:
    from testcontainers.kafka import KafkaContainer
    from testcontainers.postgres import PostgresContainer

    with KafkaContainer().with_kraft() as kafka, PostgresContainer("postgres:16") as postgres:
        url = postgres.get_connection_url(driver=None)
        yield Endpoints(kafka.get_bootstrap_server(), url, "testcontainers")


def local_test_config():
    from mesh_local.config import LocalConfig

    return LocalConfig(
        state_dir=Path(os.environ.get("MESH_TEST_STATE_DIR", REPO_ROOT / ".mesh" / "test")),
        kafka_port=int(os.environ.get("MESH_TEST_KAFKA_PORT", 29092)),
        kafka_controller_port=int(os.environ.get("MESH_TEST_KAFKA_CONTROLLER_PORT", 29093)),
        postgres_port=int(os.environ.get("MESH_TEST_POSTGRES_PORT", 25432)),
        smtp_port=int(os.environ.get("MESH_TEST_SMTP_PORT", 22525)),
        http_port_base=int(os.environ.get("MESH_TEST_HTTP_PORT_BASE", 28000)),
        kafka_heap="512m",
        durable=False,  # tests trade crash-safety of the test server for speed
    )


@contextmanager
def _launcher() -> Iterator[Endpoints]:
    from mesh_local.stack import LocalStack

    stack = LocalStack(local_test_config())
    keep = os.environ.get("MESH_TEST_KEEP_INFRA") == "1"
    if not keep and not stack.kafka.status().startswith("running") and stack.config.state_dir.exists():
        shutil.rmtree(stack.config.state_dir / "kafka", ignore_errors=True)  # a fresh broker per run
    stack.start_infrastructure(smtp=False)
    try:
        yield Endpoints(stack.config.kafka_bootstrap, stack.config.admin_database_url, "launcher")
    finally:
        if not keep:
            stack.services.stop()
            stack.kafka.stop()
            stack.postgres.stop()
