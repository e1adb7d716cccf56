"""Settings every service reads from the environment (``MESH_*``). Documented in docs/configuration.md."""

from pathlib import Path
from typing import Literal, Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from mesh_runtime.identity.claims import PEOPLES_CLIENTS, SERVICE_CLIENTS, ClaimMapping, Role
from mesh_runtime.identity.tokens import ASYMMETRIC_ALGORITHMS


class KafkaSettings(BaseSettings):
    """How to reach the brokers: what every service reads, and so does an operator's tool (mesh-deadletters)."""

    model_config = SettingsConfigDict(env_prefix="MESH_", extra="ignore")

    kafka_bootstrap_servers: str = Field(default="127.0.0.1:9092", description="Comma-separated host:port list.")
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    kafka_sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] = "SCRAM-SHA-512"
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = None
    kafka_ssl_ca_file: str | None = Field(default=None, description="PEM of the CA that signed the brokers' certificates.")
    kafka_ssl_cert_file: str | None = Field(default=None, description="Client certificate (PEM) for mutual TLS.")
    kafka_ssl_key_file: str | None = Field(default=None, description="Its private key (PEM).")

    @model_validator(mode="after")
    def _kafka_credentials_complete(self) -> Self:
        if self.kafka_security_protocol.startswith("SASL") and not (self.kafka_sasl_username and self.kafka_sasl_password):
            raise ValueError(
                f"MESH_KAFKA_SECURITY_PROTOCOL={self.kafka_security_protocol} needs "
                "MESH_KAFKA_SASL_USERNAME and MESH_KAFKA_SASL_PASSWORD"
            )
        if bool(self.kafka_ssl_cert_file) != bool(self.kafka_ssl_key_file):
            raise ValueError("MESH_KAFKA_SSL_CERT_FILE and MESH_KAFKA_SSL_KEY_FILE go together (mutual TLS)")
        return self


class ServiceSettings(KafkaSettings):
    database_url: str = Field(
        description="PostgreSQL DSN of this service's own database, as the role the service runs "
        "as: it must own no table and be neither superuser nor BYPASSRLS (checked at start)."
    )
    database_migration_url: str | None = Field(
        default=None,
        description="DSN of the same database as its owner, who "
        "applies migrations and grants the service's role the use of the "
        "tables. Set: migrations run at start. Unset: a migration job applies "
        "them (`python -m mesh_<service> migrate`) and the service waits for none.",
    )
    kafka_create_topics: bool = Field(default=True, description="Create missing topics at start (off where Strimzi owns them).")
    kafka_topic_replication_factor: int = Field(default=1, ge=1, description="Replicas of topics this service creates.")
    consumers_enabled: bool = Field(default=True, description="Off for a replica that serves only the HTTP API.")
    http_host: str = "0.0.0.0"
    http_port: int = Field(default=8000, ge=1, le=65535)
    http_max_body_bytes: int = Field(
        default=1_048_576,
        ge=1,
        description="Largest request body taken; a larger one is refused with 413 (the Ingress allows the same).",
    )
    http_forwarded_allow_ips: str = Field(
        default="127.0.0.1",
        description="Peers (comma-separated addresses or "
        "networks, or *) whose X-Forwarded-For names the client: the address the "
        "per-address rate limit keys on. Kubernetes: * (only the Ingress reaches the pods).",
    )
    # Rate limits (mesh_runtime.rate_limit): buckets per replica; 0 turns one off.
    rate_limit_per_subject_per_minute: int = Field(
        default=300,
        ge=0,
        description="Requests a verified person "
        "(institution + subject) may make per minute, a burst of up to "
        "that many at once, then evenly; beyond: 429.",
    )
    rate_limit_per_address_per_minute: int = Field(
        default=120,
        ge=0,
        description="Requests per client address "
        "per minute that carry no token (the calendar feed) or a token "
        "that does not verify.",
    )
    rate_limit_per_service_per_minute: int = Field(
        default=0,
        ge=0,
        description="Requests per minute of each platform service's token; 0: none (they read in bulk as events arrive).",
    )
    rate_limit_profile_changes_per_hour: int = Field(
        default=30, ge=0, description="Changes per hour of one participant's profile (what feeds matching's scores), by anyone."
    )
    log_level: str = "INFO"
    log_format: str = Field(default="json", pattern="^(json|console)$")
    db_pool_min_size: int = Field(default=1, ge=0)
    db_pool_max_size: int = Field(default=10, ge=1)
    outbox_poll_interval_seconds: float = Field(default=1.0, gt=0, description="Fallback poll; NOTIFY wakes the relay sooner.")
    outbox_batch_size: int = Field(default=200, ge=1)
    clock_offset_file: Path | None = Field(
        default=None,
        description="Demos and tests only: a file holding how many "
        "seconds this service's clock runs ahead of the system's (see mesh_runtime.clock).",
    )
    timed_work_interval_seconds: float = Field(
        default=30.0, gt=0, description="How often time-driven work runs (missed sessions, due reminders, dormant pairs)."
    )
    consumer_batch_max_records: int = Field(
        default=200, ge=1, le=10_000, description="Most records a consumer takes in one batch (one transaction)."
    )
    consumer_batch_wait_ms: int = Field(
        default=25,
        ge=1,
        le=5_000,
        description="How long a consumer waits for records when none are buffered, before asking again.",
    )
    consumer_retry_backoff_seconds: float = Field(
        default=0.5, gt=0, description="First wait before retrying a transient failure; doubles up to 30 s."
    )
    drain_delay_seconds: float = Field(
        default=0.0, ge=0, description="After SIGTERM, how long readiness reports draining before the server stops accepting."
    )
    drain_timeout_seconds: float = Field(
        default=20.0, gt=0, description="How long in-flight requests and events may take to finish after SIGTERM."
    )
    oidc_issuer: str = Field(description="The identity provider's issuer URL, exactly as in its tokens' `iss`.")
    oidc_audience: str | None = Field(
        default=None, description="The `aud` this service's tokens carry (default: mesh-<service>)."
    )
    oidc_discovery_url: str | None = Field(default=None, description="Default: <issuer>/.well-known/openid-configuration.")
    oidc_algorithms: list[str] = Field(default=["RS256", "ES256"], description="Accepted signing algorithms (asymmetric only).")
    oidc_leeway_seconds: float = Field(default=30.0, ge=0, le=300, description="Clock skew allowed on exp and nbf.")
    oidc_jwks_min_refresh_seconds: float = Field(default=30.0, ge=0, description="Least time between two key fetches.")
    oidc_jwks_max_age_seconds: float = Field(default=3600.0, gt=0, description="Keys older than this are fetched again.")
    oidc_claim_subject: str = Field(default="sub", description="Claim path of the account id.")
    oidc_claim_roles: str = Field(default="roles", description="Claim path of the roles list (e.g. realm_access.roles).")
    oidc_claim_institution: str = Field(default="institution", description="Claim path of the institution id.")
    oidc_claim_campuses: str = Field(default="campuses", description="Claim path of the campuses list.")
    oidc_claim_programs: str = Field(
        default="programs", description="Claim path of a coordinator's programs (absent: all on their campuses)."
    )
    oidc_claim_email: str = Field(
        default="email",
        description="Claim path of the person's address; a participant's "
        "profile must use it (taken only when email_verified is true).",
    )
    oidc_claim_affiliation: str = Field(
        default="affiliation",
        description="Claim path of the person's affiliation "
        "(student, staff, faculty, alumni, community): programs' rules read it.",
    )
    oidc_claim_year_of_study: str = Field(
        default="year_of_study", description="Claim path of a student's year of study (a number, or digits as text)."
    )
    oidc_claim_department: str = Field(default="department", description="Claim path of the person's department.")
    oidc_email_verified_by_default: bool = Field(
        default=False,
        description="Take the address of a token without "
        "`email_verified` as verified: only for an IdP that releases "
        "verified addresses alone (some send no such claim).",
    )
    oidc_claims_space_delimited: bool = Field(
        default=False,
        description="The IdP sends roles, campuses and programs as one space-delimited string; otherwise a string is one value.",
    )
    oidc_allowed_clients: list[str] = Field(
        default=list(PEOPLES_CLIENTS),
        min_length=1,
        description="Clients (`azp` or `client_id`) whose access tokens this API takes, besides the platform's service clients.",
    )
    oidc_service_clients: list[str] = Field(
        default=list(SERVICE_CLIENTS),
        min_length=1,
        description="The platform's own service clients: only their tokens may carry the service role.",
    )
    oidc_role_participant: str = Field(default="participant", description="Value of the roles claim for participants.")
    oidc_role_coordinator: str = Field(default="coordinator", description="Value of the roles claim for coordinators.")
    oidc_role_admin: str = Field(default="admin", description="Value of the roles claim for institution admins.")
    oidc_role_service: str = Field(
        default="service",
        description="Value of the roles claim for the platform's own services (their client-credentials tokens).",
    )
    service_client_id: str | None = Field(
        default=None,
        description="This service's own OAuth client, for reading "
        "personal data from the other services (default: mesh-<service>).",
    )
    service_client_secret: SecretStr | None = Field(
        default=None, description="Its secret; without it, events that need personal data wait (they are retried, never lost)."
    )
    profile_api_url: str | None = Field(
        default=None, description="Where the profile service's API answers (for matching, scheduling and notify)."
    )
    matching_api_url: str | None = Field(default=None, description="Where the matching service's API answers (for notify).")

    @model_validator(mode="after")
    def _asymmetric_algorithms_only(self) -> Self:
        unsafe = set(self.oidc_algorithms) - ASYMMETRIC_ALGORITHMS
        if unsafe:
            raise ValueError(
                f"MESH_OIDC_ALGORITHMS: {sorted(unsafe)} not allowed; asymmetric only: {sorted(ASYMMETRIC_ALGORITHMS)}"
            )
        return self

    def claim_mapping(self) -> ClaimMapping:
        return ClaimMapping(
            subject=self.oidc_claim_subject,
            roles=self.oidc_claim_roles,
            institution=self.oidc_claim_institution,
            campuses=self.oidc_claim_campuses,
            programs=self.oidc_claim_programs,
            email=self.oidc_claim_email,
            affiliation=self.oidc_claim_affiliation,
            year_of_study=self.oidc_claim_year_of_study,
            department=self.oidc_claim_department,
            role_names={
                Role.PARTICIPANT: self.oidc_role_participant,
                Role.COORDINATOR: self.oidc_role_coordinator,
                Role.ADMIN: self.oidc_role_admin,
                Role.SERVICE: self.oidc_role_service,
            },
            service_clients=frozenset(self.oidc_service_clients),
            email_verified_by_default=self.oidc_email_verified_by_default,
            space_delimited_lists=self.oidc_claims_space_delimited,
        )
