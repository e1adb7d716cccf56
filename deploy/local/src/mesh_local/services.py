"""The four services as background processes, each with its own environment and log."""

import sys
import time

import httpx

from mesh_local import processes
from mesh_local.config import SERVICES, LocalConfig


class LocalServices:
    def __init__(self, config: LocalConfig) -> None:
        self.config = config
        self.dir = config.state_dir / "services"

    def pid_file(self, service: str):
        return self.dir / f"{service}.pid"

    def log_file(self, service: str):
        return self.dir / f"{service}.log"

    def start(self, services: tuple[str, ...] = SERVICES, extra_env: dict[str, str] | None = None) -> list[str]:
        self.dir.mkdir(parents=True, exist_ok=True)
        started = []
        for service in services:
            if processes.running_pid(self.pid_file(service)):
                continue
            processes.require_free_ports(service, self.config.host, self.config.http_port(service))
            processes.start(
                [sys.executable, "-m", f"mesh_{service}"],
                pid_file=self.pid_file(service),
                log_file=self.log_file(service),
                env={**self.config.service_env(service), **(extra_env or {})},
            )
            started.append(service)
        return started

    def wait_ready(self, services: tuple[str, ...] = SERVICES, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        pending = list(services)
        while pending and time.monotonic() < deadline:
            for service in list(pending):
                if not processes.running_pid(self.pid_file(service)):
                    raise RuntimeError(f"{service} exited; see {self.log_file(service)}:\n{_tail(self.log_file(service))}")
                try:
                    response = httpx.get(f"{self.config.service_url(service)}/health/ready", timeout=2)
                    if response.status_code == 200:
                        pending.remove(service)
                except httpx.HTTPError:
                    pass
            time.sleep(0.3)
        if pending:
            raise RuntimeError(f"not ready after {timeout:.0f}s: {', '.join(pending)}; see {self.dir}")

    def status(self) -> dict[str, str]:
        report = {}
        for service in SERVICES:
            pid = processes.running_pid(self.pid_file(service))
            report[service] = f"running (pid {pid}) at {self.config.service_url(service)}" if pid else "stopped"
        return report

    def stop(self, services: tuple[str, ...] = SERVICES) -> list[str]:
        return [service for service in services if processes.stop(self.pid_file(service), timeout=40)]


def _tail(path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no log)"
