"""Where the tests get a real Kafka, a real PostgreSQL and a real identity provider (Keycloak).

In order of preference:
1. endpoints given in the environment (MESH_TEST_KAFKA_BOOTSTRAP, MESH_TEST_POSTGRES_ADMIN_URL and
   MESH_TEST_OIDC_ISSUER: a Keycloak with deploy/local/keycloak/realm.json imported);
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
    oidc_issuer: str


def _docker_available() -> bool:
    if shutil.which("docker") is None:
        return False
    return subprocess.run(["docker", "info"], capture_output=True, check=False, timeout=20).returncode == 0


@contextmanager
def provide() -> Iterator[Endpoints]:
    kafka, postgres = os.environ.get("MESH_TEST_KAFKA_BOOTSTRAP"), os.environ.get("MESH_TEST_POSTGRES_ADMIN_URL")
    issuer = os.environ.get("MESH_TEST_OIDC_ISSUER")
    if kafka and postgres and issuer:
        yield Endpoints(kafka, postgres, "environment", issuer)
        return
    if os.environ.get("MESH_TEST_INFRA", "auto") != "local" and _docker_available():
        with _keycloak() as issuer, _containers(issuer) as endpoints:
            yield endpoints
        return
    with _launcher() as endpoints:
        yield endpoints


@contextmanager
def _keycloak() -> Iterator[str]:
    """Keycloak from its Maven distribution, as the launcher runs it (no container image needed)."""
    from mesh_local.keycloak import LocalKeycloak

    keycloak = LocalKeycloak(local_test_config())
    keycloak.start()
    try:
        keycloak.wait_ready()
        yield keycloak.config.oidc_issuer
    finally:
        keycloak.stop()


@contextmanager
def _containers(issuer: str) -> Iterator[Endpoints]:
    from testcontainers.kafka import KafkaContainer
    from testcontainers.postgres import PostgresContainer

    with KafkaContainer().with_kraft() as kafka, PostgresContainer("postgres:16") as postgres:
        url = postgres.get_connection_url(driver=None)
        yield Endpoints(kafka.get_bootstrap_server(), url, "testcontainers", issuer)


def local_test_config():
    from mesh_local.config import LocalConfig

    return LocalConfig(
        state_dir=Path(os.environ.get("MESH_TEST_STATE_DIR", REPO_ROOT / ".mesh" / "test")),
        kafka_port=int(os.environ.get("MESH_TEST_KAFKA_PORT", 29092)),
        kafka_controller_port=int(os.environ.get("MESH_TEST_KAFKA_CONTROLLER_PORT", 29093)),
        postgres_port=int(os.environ.get("MESH_TEST_POSTGRES_PORT", 25432)),
        smtp_port=int(os.environ.get("MESH_TEST_SMTP_PORT", 22525)),
        http_port_base=int(os.environ.get("MESH_TEST_HTTP_PORT_BASE", 28000)),
        keycloak_port=int(os.environ.get("MESH_TEST_KEYCLOAK_PORT", 28080)),
        keycloak_management_port=int(os.environ.get("MESH_TEST_KEYCLOAK_MANAGEMENT_PORT", 28090)),
        kafka_heap="512m",
        oidc_issuer_override=os.environ.get("MESH_TEST_OIDC_ISSUER"),
        durable=False,  # tests trade crash-safety of the test server for speed
    )


@contextmanager
def _launcher() -> Iterator[Endpoints]:
    from mesh_local.stack import LocalStack

    stack = LocalStack(local_test_config())
    # Kept up for the next run: by the variable, or while a developer's marker file exists (several
    # sessions sharing one machine's infrastructure).
    keep = os.environ.get("MESH_TEST_KEEP_INFRA") == "1" or (stack.config.state_dir / "keep-infra").exists()
    if not keep and not stack.kafka.status().startswith("running") and stack.config.state_dir.exists():
        shutil.rmtree(stack.config.state_dir / "kafka", ignore_errors=True)  # a fresh broker per run
    stack.start_infrastructure(smtp=False)
    try:
        yield Endpoints(stack.config.kafka_bootstrap, stack.config.admin_database_url, "launcher", stack.config.oidc_issuer)
    finally:
        if not keep:
            stack.services.stop()
            stack.keycloak.stop()
            stack.kafka.stop()
            stack.postgres.stop()
