"""The four services as background processes, each with its own environment and log."""

import os
import signal
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

    def signal(self, service: str, sig: signal.Signals) -> int:
        """Sends ``sig`` to the service's process; returns its PID."""
        pid = processes.running_pid(self.pid_file(service))
        if pid is None:
            raise RuntimeError(f"{service} is not running")
        os.kill(pid, sig)
        return pid

    def wait_gone(self, service: str, timeout: float = 60.0) -> None:
        """Until the process and its port are gone: a killed process's other threads may hold the socket a
        moment after its main thread is a zombie."""
        deadline = time.monotonic() + timeout
        port = self.config.http_port(service)
        while processes.running_pid(self.pid_file(service)) or processes.port_in_use(self.config.host, port):
            if time.monotonic() > deadline:
                raise RuntimeError(f"{service} still running {timeout:.0f}s after it was told to stop")
            pid = processes.read_pid(self.pid_file(service))
            if pid is not None:
                processes.reap(pid)
            time.sleep(0.1)

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
