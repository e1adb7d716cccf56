"""The benchmarks' and chaos's SMTP server: aiosmtpd in a process of its own, appending each
mail's Message-ID to a file as it accepts the mail.

A process of its own, not a thread beside the load: a thread shares the load driver's GIL, so
under thousands of journeys each SMTP reply waited on the load, and the rig slowed what it measured.
The file is the record of what was received: one line per accepted mail.
"""

import socket
import sys
import time
from collections import Counter
from email.parser import BytesParser
from pathlib import Path

from aiosmtpd.handlers import Sink

from mesh_local import processes
from tests.support.infrastructure import REPO_ROOT


class MessageIdLog(Sink):
    """The aiosmtpd handler (``-c benchmarks.mail_counter.MessageIdLog <file>``): one line per mail,
    its Message-ID's local part (notify's notification id), written before the server says 250."""

    def __init__(self, path: str) -> None:
        self._file = open(path, "a", buffering=1)

    @classmethod
    def from_cli(cls, parser, *args: str) -> "MessageIdLog":  # type: ignore[no-untyped-def]
        if len(args) != 1:
            parser.error("MessageIdLog takes one argument: the file to append Message-IDs to")
        return cls(args[0])

    async def handle_DATA(self, server, session, envelope) -> str:  # type: ignore[no-untyped-def]
        message = BytesParser().parsebytes(envelope.original_content or envelope.content, headersonly=True)
        self._file.write(str(message.get("Message-ID", "")).strip("<>").split("@", 1)[0] + "\n")
        return "250 OK"


class MailCounter:
    """Starts and stops the server; reads back how many mails it took, and each Message-ID how often."""

    def __init__(self, directory: Path, host: str = "127.0.0.1") -> None:
        self.host = host
        self.dir = directory
        self.log = directory / "message-ids.txt"
        self.pid_file = directory / "smtp.pid"
        self.port = 0

    def start(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        processes.stop(self.pid_file)
        self.log.write_text("")
        with socket.socket() as probe:
            probe.bind((self.host, 0))
            self.port = probe.getsockname()[1]
        processes.start(
            [
                sys.executable,
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                f"{self.host}:{self.port}",
                "-c",
                "benchmarks.mail_counter.MessageIdLog",
                str(self.log),
            ],
            pid_file=self.pid_file,
            log_file=self.dir / "smtp.log",
            cwd=REPO_ROOT,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((self.host, self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"the SMTP server did not start; see {self.dir / 'smtp.log'}")

    def stop(self) -> None:
        processes.stop(self.pid_file)

    @property
    def message_ids(self) -> Counter[str]:
        return Counter(self.log.read_text().splitlines())

    @property
    def received(self) -> int:
        return sum(self.message_ids.values())
