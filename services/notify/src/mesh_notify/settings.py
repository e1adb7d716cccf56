"""Notify's settings: the shared ones plus the mail server (see docs/configuration.md)."""

from typing import Self

from pydantic import Field, SecretStr, model_validator

from mesh_notify.domain.messages import Links
from mesh_runtime.components import Components
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
    scheduling_public_base_url: str | None = Field(
        default=None,
        description="Base URL of the scheduling API, for links in session and agreement mail (default: public_base_url).",
    )
    delivery_poll_interval_seconds: float = Field(default=0.5, gt=0)
    delivery_concurrency: int = Field(
        default=4,
        ge=1,
        le=64,
        description=(
            "How many mails one replica sends at once while mail is due; each sender holds a database connection "
            "and an SMTP connection for its mail."
        ),
    )

    @classmethod
    def of(cls, components: Components) -> "NotifySettings":
        """The running notify service's settings."""
        if not isinstance(settings := components.settings, cls):
            raise TypeError(f"notify runs with NotifySettings, not {type(settings).__name__}")
        return settings

    @property
    def links(self) -> Links:
        """Where a mail's links point: the public bases of matching's and scheduling's APIs."""
        return Links(self.public_base_url, self.scheduling_public_base_url)

    @model_validator(mode="after")
    def _senders_leave_room_in_the_pool(self) -> Self:
        if self.delivery_concurrency > self.db_pool_max_size - 2:
            raise ValueError(
                f"delivery_concurrency ({self.delivery_concurrency}) must leave at least 2 of the db_pool_max_size "
                f"({self.db_pool_max_size}) connections to requests and consumers: lower it or raise the pool"
            )
        return self
