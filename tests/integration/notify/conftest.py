"""A real SMTP server (aiosmtpd) per test, holding what it received."""

import email
import socket
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from mesh_local.mailserver import RefusesNoMailDomain


class Inbox(RefusesNoMailDomain, Message):
    """Keeps what it accepts; refuses the domain that takes no mail, as the local mail server does."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: list[email.message.Message] = []

    def handle_message(self, message) -> None:
        self.messages.append(message)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(inbox: Inbox) -> Iterator[Controller]:
    """A real SMTP server on a free loopback port, handing what it receives to ``inbox``."""
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    with serving(inbox) as controller:
        yield controller, inbox
