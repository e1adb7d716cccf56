"""What mesh-web reads from the environment (``MESH_WEB_*``). Documented in docs/configuration.md."""

import base64
from pathlib import Path
from typing import Self
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_ASSETS = Path(__file__).resolve().parents[2] / "node_modules"  # clients/web/node_modules (npm ci)


class WebSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MESH_WEB_", extra="ignore")

    public_url: str = Field(
        description="The origin browsers use, e.g. https://mentoring.example.edu (no path). "
        "Cross-site posts are refused by comparing with it."
    )
    oidc_issuer: str = Field(description="The identity provider's issuer URL (its discovery document is read at start).")
    oidc_discovery_url: str | None = Field(
        default=None,
        description="Where to read the IdP's discovery document "
        "when the app reaches the IdP at another address than browsers do "
        "(compose: http://keycloak:8080/...); default: the issuer's.",
    )
    oidc_client_id: str = "mesh-web"
    oidc_client_secret: SecretStr = Field(description="The confidential client's secret.")
    session_keys: SecretStr = Field(
        description="Comma-separated base64 keys of 32 bytes (AES-256-GCM) that encrypt "
        "the tokens kept in sessions; the first encrypts, all decrypt (rotate by prepending)."
    )
    database_url: str = Field(description="PostgreSQL DSN of mesh-web's own database (sessions), as its runtime role.")
    database_migration_url: str | None = Field(
        default=None,
        description="DSN of the same database as its owner: set, migrations run at start; unset, `mesh-web migrate` runs them.",
    )
    profile_url: str
    matching_url: str
    scheduling_url: str
    notify_url: str
    assets_dir: Path = Field(default=DEFAULT_ASSETS, description="Where npm put @uswds/uswds and htmx.org.")
    http_host: str = "0.0.0.0"
    http_port: int = Field(default=8000, ge=1, le=65535)
    session_idle_minutes: int = Field(default=30, ge=1, description="A session unused this long ends (the IdP's SSO idle).")
    session_max_hours: int = Field(default=10, ge=1, description="A session ends this long after sign-in whatever happens.")
    api_timeout_seconds: float = Field(default=10.0, gt=0)
    default_locale: str = "en"
    pseudo_locale: bool = Field(
        default=False,
        description="Tests only: serve the pseudo-locale en-XA (every "
        "catalogued string marked), chosen by the mesh_language cookie, to find untranslated text.",
    )
    log_format: str = Field(default="json", pattern="^(json|console)$")

    @model_validator(mode="after")
    def _valid(self) -> Self:
        parts = urlsplit(self.public_url)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
            raise ValueError("MESH_WEB_PUBLIC_URL must be an origin such as https://mentoring.example.edu")
        self.keys()
        return self

    @property
    def origin(self) -> str:
        parts = urlsplit(self.public_url)
        return f"{parts.scheme}://{parts.netloc}"

    def keys(self) -> list[bytes]:
        keys = [
            base64.b64decode(part.strip(), validate=True)
            for part in self.session_keys.get_secret_value().split(",")
            if part.strip()
        ]
        if not keys or any(len(key) != 32 for key in keys):
            raise ValueError("MESH_WEB_SESSION_KEYS must list base64 keys of exactly 32 bytes")
        return keys
