"""A real SMTP server (aiosmtpd) that keeps every message it accepts in a Maildir."""

import socket
import sys
import time

from mesh_local import processes
from mesh_local.config import LocalConfig


class LocalSmtp:
    def __init__(self, config: LocalConfig) -> None:
        self.config = config
        self.dir = config.state_dir / "smtp"
        self.pid_file = self.dir / "smtp.pid"
        self.log_file = self.dir / "smtp.log"

    def start(self) -> bool:
        if processes.running_pid(self.pid_file):
            return False
        processes.require_free_ports("the SMTP server", self.config.host, self.config.smtp_port)
        self.dir.mkdir(parents=True, exist_ok=True)
        for part in ("tmp", "new", "cur"):  # a Maildir's three folders; aiosmtpd creates none of them in an existing folder
            (self.config.maildir / part).mkdir(parents=True, exist_ok=True)
        processes.start(
            [
                sys.executable,
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                f"{self.config.host}:{self.config.smtp_port}",
                "-c",
                "mesh_local.mailserver.RefusingMailbox",
                str(self.config.maildir),
            ],
            pid_file=self.pid_file,
            log_file=self.log_file,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((self.config.host, self.config.smtp_port), timeout=1):
                    return True
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"SMTP server did not start; see {self.log_file}")

    def status(self) -> str:
        pid = processes.running_pid(self.pid_file)
        return (
            f"running (pid {pid}) on {self.config.host}:{self.config.smtp_port}, mail in {self.config.maildir}"
            if pid
            else "stopped"
        )

    def stop(self) -> bool:
        return processes.stop(self.pid_file)
