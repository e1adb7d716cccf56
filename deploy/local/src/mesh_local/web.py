"""mesh-web as a background process beside the services: its own database, the realm's mesh-web
client, the four APIs. ``make run`` starts it and prints its address."""

import sys
import time

import httpx

from mesh_local import processes
from mesh_local.config import SERVICES, LocalConfig
from mesh_local.realm import WEB_SECRET

WEB = "web"
# Local only: a fixed key, so a restarted app still opens the sessions it stored. Deployments take theirs
# from a secret store (deploy/kubernetes: Secret web-session).
LOCAL_SESSION_KEY = "bWVzaC13ZWItbG9jYWwtc2Vzc2lvbi1rZXktMzJiISE="


class LocalWeb:
    def __init__(self, config: LocalConfig) -> None:
        self.config = config
        self.dir = config.state_dir / "services"
        self.pid_file = self.dir / "web.pid"
        self.log_file = self.dir / "web.log"

    def env(self) -> dict[str, str]:
        c = self.config
        return {
            "MESH_WEB_PUBLIC_URL": c.web_url,
            "MESH_WEB_HTTP_HOST": c.host,
            "MESH_WEB_HTTP_PORT": str(c.web_port),
            "MESH_WEB_OIDC_ISSUER": c.oidc_issuer,
            "MESH_WEB_OIDC_CLIENT_SECRET": WEB_SECRET,
            "MESH_WEB_SESSION_KEYS": LOCAL_SESSION_KEY,
            "MESH_WEB_DATABASE_URL": c.database_url(WEB),
            "MESH_WEB_DATABASE_MIGRATION_URL": c.database_migration_url(WEB),
            **{f"MESH_WEB_{service.upper()}_URL": c.service_url(service) for service in SERVICES},
            "MESH_WEB_LOG_FORMAT": "console",
        }

    def start(self, extra_env: dict[str, str] | None = None) -> bool:
        self.dir.mkdir(parents=True, exist_ok=True)
        if processes.running_pid(self.pid_file):
            return False
        processes.require_free_ports("mesh-web", self.config.host, self.config.web_port)
        processes.start(
            [sys.executable, "-m", "mesh_web.main"],
            pid_file=self.pid_file,
            log_file=self.log_file,
            env={**self.env(), **(extra_env or {})},
        )
        return True

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not processes.running_pid(self.pid_file):
                raise RuntimeError(f"mesh-web exited; see {self.log_file}")
            try:
                if httpx.get(f"http://{self.config.host}:{self.config.web_port}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"mesh-web not ready after {timeout:.0f}s; see {self.log_file}")

    def status(self) -> str:
        pid = processes.running_pid(self.pid_file)
        return f"running (pid {pid}) at {self.config.web_url}" if pid else "stopped"

    def stop(self) -> bool:
        return processes.stop(self.pid_file, timeout=20)
