"""The whole local stack: infrastructure first, then the services; stopped in reverse."""

from dataclasses import dataclass, field

from mesh_local.config import LocalConfig
from mesh_local.kafka import LocalKafka
from mesh_local.keycloak import LocalKeycloak
from mesh_local.postgres import LocalPostgres
from mesh_local.services import LocalServices
from mesh_local.smtp import LocalSmtp
from mesh_local.web import LocalWeb


@dataclass
class LocalStack:
    config: LocalConfig = field(default_factory=LocalConfig)

    def __post_init__(self) -> None:
        self.kafka = LocalKafka(self.config)
        self.keycloak = LocalKeycloak(self.config)
        self.postgres = LocalPostgres(self.config)
        self.smtp = LocalSmtp(self.config)
        self.services = LocalServices(self.config)
        self.web = LocalWeb(self.config)

    def start_infrastructure(self, *, smtp: bool = True) -> None:
        self.config.state_dir.mkdir(parents=True, exist_ok=True)
        self.postgres.start()
        self.kafka.start()
        self.keycloak.start()  # both JVMs boot side by side
        if smtp:
            self.smtp.start()
        self.kafka.wait_ready()
        self.keycloak.wait_ready()

    def start_all(self) -> None:
        self.start_infrastructure()
        self.services.start()
        self.services.wait_ready()
        self.web.start()
        self.web.wait_ready()

    def status(self) -> dict[str, str]:
        return {
            "kafka": self.kafka.status(),
            "keycloak": self.keycloak.status(),
            "postgres": self.postgres.status(),
            "smtp": self.smtp.status(),
            **self.services.status(),
            "web": self.web.status(),
        }

    def stop_all(self) -> list[str]:
        stopped = ["web"] if self.web.stop() else []
        stopped += self.services.stop()
        if self.smtp.stop():
            stopped.append("smtp")
        if self.keycloak.stop():
            stopped.append("keycloak")
        if self.kafka.stop():
            stopped.append("kafka")
        if self.postgres.stop():
            stopped.append("postgres")
        return stopped
