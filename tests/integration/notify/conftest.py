"""A real SMTP server (aiosmtpd) per test, holding what it received; notify running on a fresh database."""

import dataclasses
import email
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from mesh_local.mailserver import RefusesNoMailDomain
from mesh_notify.bootstrap import DEFINITION
from tests.support.services import free_port, running

# For tests that deliver themselves, at the clock's moments: no background delivery or digest racing them.
WITHOUT_WORKERS = dataclasses.replace(DEFINITION, workers=lambda _: [])


class Inbox(RefusesNoMailDomain, Message):
    """Keeps what it accepts; refuses the domain that takes no mail, as the local mail server does."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: list[email.message.Message] = []

    def handle_message(self, message) -> None:
        self.messages.append(message)


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


@pytest.fixture
async def notify(endpoints, database_factory):
    """Notify as it runs, on a database of its own: (app, client)."""
    async with running(DEFINITION, endpoints.kafka_bootstrap, await database_factory(DEFINITION)) as service:
        yield service
