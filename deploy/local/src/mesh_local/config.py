"""Where the local stack keeps its state and which ports it uses; every value can be set from the environment."""

import os
from dataclasses import dataclass, field
from pathlib import Path

from mesh_runtime.registry import service_names

REPO_ROOT = Path(__file__).resolve().parents[4]
SERVICES = service_names()  # the installed services, in their fixed order (profile first: port 18001)


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


@dataclass(frozen=True)
class LocalConfig:
    state_dir: Path = field(default_factory=lambda: Path(os.environ.get("MESH_LOCAL_STATE_DIR", REPO_ROOT / ".mesh" / "dev")))
    cache_dir: Path = field(
        default_factory=lambda: Path(os.environ.get("MESH_LOCAL_CACHE_DIR", Path.home() / ".cache" / "mentoring-mesh"))
    )
    host: str = "127.0.0.1"
    postgres_host: str = "127.0.0.1"
    kafka_bootstrap_servers: str | None = None  # set to use a Kafka this launcher did not start
    kafka_port: int = field(default_factory=lambda: _env_int("MESH_LOCAL_KAFKA_PORT", 19092))
    kafka_controller_port: int = field(default_factory=lambda: _env_int("MESH_LOCAL_KAFKA_CONTROLLER_PORT", 19093))
    kafka_heap: str = field(default_factory=lambda: os.environ.get("MESH_LOCAL_KAFKA_HEAP", "768m"))
    postgres_port: int = field(default_factory=lambda: _env_int("MESH_LOCAL_POSTGRES_PORT", 15432))
    smtp_port: int = field(default_factory=lambda: _env_int("MESH_LOCAL_SMTP_PORT", 12525))
    http_port_base: int = field(default_factory=lambda: _env_int("MESH_LOCAL_HTTP_PORT_BASE", 18000))
    keycloak_port: int = field(default_factory=lambda: _env_int("MESH_LOCAL_KEYCLOAK_PORT", 18080))
    keycloak_management_port: int = field(default_factory=lambda: _env_int("MESH_LOCAL_KEYCLOAK_MANAGEMENT_PORT", 18090))
    keycloak_heap: str = field(default_factory=lambda: os.environ.get("MESH_LOCAL_KEYCLOAK_HEAP", "512m"))
    # An identity provider this launcher did not start (its issuer URL): then no Keycloak is started.
    oidc_issuer_override: str | None = field(default_factory=lambda: os.environ.get("MESH_LOCAL_OIDC_ISSUER"))
    durable: bool = field(default_factory=lambda: os.environ.get("MESH_LOCAL_DURABLE", "1") != "0")
    # Time-driven work (reminders, missed sessions, lapsed proposals, dormant pairs) looks this often:
    # the demo moves the clock and wants to see it happen within seconds.
    timed_work_interval_seconds: float = field(
        default_factory=lambda: float(os.environ.get("MESH_LOCAL_TIMED_WORK_INTERVAL_SECONDS", "2"))
    )

    @property
    def kafka_bootstrap(self) -> str:
        return self.kafka_bootstrap_servers or f"{self.host}:{self.kafka_port}"

    @property
    def oidc_issuer(self) -> str:
        return self.oidc_issuer_override or f"http://{self.host}:{self.keycloak_port}/realms/mentoring-mesh"

    def http_port(self, service: str) -> int:
        return self.http_port_base + SERVICES.index(service) + 1

    def service_url(self, service: str) -> str:
        return f"http://{self.host}:{self.http_port(service)}"

    @property
    def web_port(self) -> int:
        return self.http_port_base + 10

    @property
    def web_url(self) -> str:
        """mesh-web's address: localhost (not 127.0.0.1) because browsers keep a Secure (``__Host-``)
        cookie over plain http only on localhost."""
        return f"http://localhost:{self.web_port}"

    def database_name(self, service: str) -> str:
        return f"mesh_{service}"

    def database_role(self, service: str) -> str:
        return f"mesh_{service}"

    def database_password(self, service: str) -> str:
        # Local development only; deployments take credentials from their secret store.
        return f"{service}-local-secret"

    def database_owner_role(self, service: str) -> str:
        """Owns the service's tables and applies its migrations; the service runs as ``database_role``."""
        return f"mesh_{service}_owner"

    def database_owner_password(self, service: str) -> str:
        return f"{service}-owner-local-secret"

    def database_url(self, service: str) -> str:
        return (
            f"postgresql://{self.database_role(service)}:{self.database_password(service)}"
            f"@{self.postgres_host}:{self.postgres_port}/{self.database_name(service)}"
        )

    def database_migration_url(self, service: str) -> str:
        return (
            f"postgresql://{self.database_owner_role(service)}:{self.database_owner_password(service)}"
            f"@{self.postgres_host}:{self.postgres_port}/{self.database_name(service)}"
        )

    @property
    def admin_database_url(self) -> str:
        return f"postgresql://mesh_admin:admin-local-secret@{self.postgres_host}:{self.postgres_port}/postgres"

    @property
    def clock_offset_file(self) -> Path:
        """How far every service's clock runs ahead of this machine's (``mesh-local clock advance``)."""
        return self.state_dir / "clock-offset"

    @property
    def maildir(self) -> Path:
        return self.state_dir / "maildir"

    def service_env(self, service: str) -> dict[str, str]:
        """The environment a service process is started with: see docs/configuration.md."""
        env = {
            "MESH_DATABASE_URL": self.database_url(service),
            "MESH_DATABASE_MIGRATION_URL": self.database_migration_url(service),
            "MESH_KAFKA_BOOTSTRAP_SERVERS": self.kafka_bootstrap,
            "MESH_HTTP_HOST": self.host,
            "MESH_HTTP_PORT": str(self.http_port(service)),
            "MESH_OUTBOX_POLL_INTERVAL_SECONDS": "0.5",
            "MESH_OIDC_ISSUER": self.oidc_issuer,
            # Personal data is read from its owner's API, as this service's own client (realm.py).
            "MESH_SERVICE_CLIENT_SECRET": f"{service}-local-secret",
            "MESH_PROFILE_API_URL": self.service_url("profile"),
            "MESH_MATCHING_API_URL": self.service_url("matching"),
            "MESH_CLOCK_OFFSET_FILE": str(self.clock_offset_file),
            "MESH_TIMED_WORK_INTERVAL_SECONDS": str(self.timed_work_interval_seconds),
        }
        if service == "scheduling":
            env["MESH_CALENDAR_BASE_URL"] = self.service_url("scheduling")
        if service == "matching":
            env["MESH_EXPIRY_SWEEP_INTERVAL_SECONDS"] = str(self.timed_work_interval_seconds)
        if service == "notify":
            env |= {
                "MESH_SMTP_HOST": self.host,
                "MESH_SMTP_PORT": str(self.smtp_port),
                "MESH_PUBLIC_BASE_URL": self.service_url("matching"),
                "MESH_SCHEDULING_PUBLIC_BASE_URL": self.service_url("scheduling"),
            }
        return env
