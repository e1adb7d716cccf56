"""Notify's settings: the shared ones plus the mail server (see docs/configuration.md)."""

from pydantic import Field, SecretStr

from mesh_runtime.settings import ServiceSettings


class NotifySettings(ServiceSettings):
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = Field(default=False, description="Upgrade with STARTTLS (typically port 587).")
    smtp_tls: bool = Field(default=False, description="Implicit TLS (typically port 465).")
    smtp_timeout_seconds: float = 15.0
    smtp_from: str = "Mentoring Mesh <no-reply@mentoring-mesh.invalid>"
    public_base_url: str = Field(default="http://127.0.0.1:8000", description="Base URL of the matching API, for links in mail.")
    scheduling_public_base_url: str | None = Field(default=None, description="Base URL of the scheduling API, for "
                                                   "links in session and agreement mail (default: public_base_url).")
    delivery_poll_interval_seconds: float = Field(default=0.5, gt=0)
