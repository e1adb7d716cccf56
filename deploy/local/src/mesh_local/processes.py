"""Background processes tracked by PID file: start once, report truthfully, stop only our own."""

import os
import signal
import subprocess
import time
from pathlib import Path


def read_pid(pid_file: Path) -> int | None:
    try:
        return int(pid_file.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None


def is_alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie is not running


def running_pid(pid_file: Path) -> int | None:
    pid = read_pid(pid_file)
    return pid if pid is not None and is_alive(pid) else None


def start(argv: list[str], *, pid_file: Path, log_file: Path, env: dict[str, str] | None = None, cwd: Path | None = None) -> int:
    """Start detached (own session, so a terminal's Ctrl-C does not reach it); returns the PID."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("ab") as log:
        process = subprocess.Popen(
            argv,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, **(env or {})},
            cwd=cwd,
            start_new_session=True,
        )
    pid_file.write_text(f"{process.pid}\n")
    return process.pid


def stop(pid_file: Path, *, timeout: float = 30.0) -> bool:
    """SIGTERM, wait, then SIGKILL; returns whether a process was stopped."""
    pid = running_pid(pid_file)
    if pid is None:
        pid_file.unlink(missing_ok=True)
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not is_alive(pid):
            break
        reap(pid)
        time.sleep(0.1)
    else:
        os.kill(pid, signal.SIGKILL)
    reap(pid)
    pid_file.unlink(missing_ok=True)
    return True


def reap(pid: int) -> None:
    """Collects a child that exited, so it leaves no zombie."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def port_in_use(host: str, port: int) -> bool:
    import socket

    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((host, port)) == 0


def require_free_ports(what: str, host: str, *ports: int) -> None:
    """Refuse to start on a port someone else holds: we would report their process as ours."""
    taken = [port for port in ports if port_in_use(host, port)]
    if taken:
        raise RuntimeError(
            f"cannot start {what}: port(s) {', '.join(map(str, taken))} on {host} already in use by another process"
        )
