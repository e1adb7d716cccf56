"""Settings every service reads from the environment (``MESH_*``). Documented in docs/configuration.md."""

from typing import Literal, Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MESH_", extra="ignore")

    database_url: str = Field(description="PostgreSQL DSN of this service's own database.")
    kafka_bootstrap_servers: str = Field(default="127.0.0.1:9092", description="Comma-separated host:port list.")
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    kafka_sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] = "SCRAM-SHA-512"
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = None
    kafka_ssl_ca_file: str | None = Field(default=None, description="PEM of the CA that signed the brokers' certificates.")
    kafka_ssl_cert_file: str | None = Field(default=None, description="Client certificate (PEM) for mutual TLS.")
    kafka_ssl_key_file: str | None = Field(default=None, description="Its private key (PEM).")
    kafka_create_topics: bool = Field(default=True, description="Create missing topics at start (off where Strimzi owns them).")
    kafka_topic_replication_factor: int = Field(default=1, ge=1, description="Replicas of topics this service creates.")
    consumers_enabled: bool = Field(default=True, description="Off for a replica that serves only the HTTP API.")
    http_host: str = "0.0.0.0"
    http_port: int = Field(default=8000, ge=1, le=65535)
    log_level: str = "INFO"
    log_format: str = Field(default="json", pattern="^(json|console)$")
    db_pool_min_size: int = Field(default=1, ge=0)
    db_pool_max_size: int = Field(default=10, ge=1)
    outbox_poll_interval_seconds: float = Field(default=1.0, gt=0, description="Fallback poll; NOTIFY wakes the relay sooner.")
    outbox_batch_size: int = Field(default=200, ge=1)
    consumer_retry_backoff_seconds: float = Field(default=0.5, gt=0, description="First wait before retrying a transient failure; doubles up to 30 s.")
    drain_delay_seconds: float = Field(default=0.0, ge=0, description="After SIGTERM, how long readiness reports draining before the server stops accepting.")
    drain_timeout_seconds: float = Field(default=20.0, gt=0, description="How long in-flight requests and events may take to finish after SIGTERM.")

    @model_validator(mode="after")
    def _kafka_credentials_complete(self) -> Self:
        if self.kafka_security_protocol.startswith("SASL") and not (self.kafka_sasl_username and self.kafka_sasl_password):
            raise ValueError(f"MESH_KAFKA_SECURITY_PROTOCOL={self.kafka_security_protocol} needs "
                             "MESH_KAFKA_SASL_USERNAME and MESH_KAFKA_SASL_PASSWORD")
        if bool(self.kafka_ssl_cert_file) != bool(self.kafka_ssl_key_file):
            raise ValueError("MESH_KAFKA_SSL_CERT_FILE and MESH_KAFKA_SSL_KEY_FILE go together (mutual TLS)")
        return self
