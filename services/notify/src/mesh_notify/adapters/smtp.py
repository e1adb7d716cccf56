"""Sends mail through a real SMTP server with aiosmtplib, over connections kept while mail flows."""

from email.message import EmailMessage
from email.utils import formataddr, formatdate

import aiosmtplib

from mesh_notify.adapters.invitations import invitation_ics
from mesh_notify.application.ports import RefusedForGood
from mesh_notify.domain.messages import Message
from mesh_notify.settings import NotifySettings
from mesh_runtime.tracing import SpanKind, continued


class SmtpMailer:
    """Each send takes an open connection, or opens one; a connection that sent is kept for the next
    send until ``close_idle``, so a burst of mail pays for connecting and EHLO once per concurrent
    sender rather than once per mail. A connection that failed in any way but the recipient's
    refusal is dropped, never reused."""

    def __init__(self, settings: NotifySettings) -> None:
        self._settings = settings
        self._idle: list[aiosmtplib.SMTP] = []

    async def send(
        self, *, to_name: str, to_email: str, message: Message, message_id: str, trace_parent: str | None = None
    ) -> None:
        with continued("notify send mail", trace_parent, kind=SpanKind.CLIENT, **{"messaging.message.id": message_id}):
            await self._compose_and_send(to_name=to_name, to_email=to_email, message=message, message_id=message_id)

    async def _compose_and_send(self, *, to_name: str, to_email: str, message: Message, message_id: str) -> None:
        email = EmailMessage()
        email["From"] = self._settings.smtp_from
        email["To"] = formataddr((to_name, to_email))
        email["Subject"] = message.subject
        email["Date"] = formatdate(localtime=False)
        email["Message-ID"] = message_id
        email.set_content(message.body)
        if message.invitation is not None:
            # The calendar part as an alternative (how calendars recognise an invitation) and as an
            # attachment (for clients that show only attachments).
            ics = invitation_ics(
                message.invitation, organizer=self._settings.smtp_from, attendee_name=to_name, attendee_email=to_email
            )
            email.add_alternative(ics.decode(), subtype="calendar", params={"method": message.invitation.method})
            email.add_attachment(ics, maintype="application", subtype="ics", filename="invite.ics")
        try:
            await self._send(email)
        except aiosmtplib.SMTPRecipientsRefused as error:
            # Only the recipient refused for good gives up at once; a temporary refusal (greylisting,
            # a full mailbox) and any server trouble (auth, TLS, down) are tried again later.
            if all(400 <= refusal.code < 500 for refusal in error.recipients):
                raise
            raise RefusedForGood("; ".join(f"{r.code} {r.message}" for r in error.recipients)) from error

    async def _send(self, email: EmailMessage) -> None:
        client, kept = await self._take()
        try:
            try:
                await client.send_message(email)
            except (aiosmtplib.SMTPServerDisconnected, ConnectionError):
                if not kept:
                    raise
                # A kept connection the server closed meanwhile (its idle timeout, a restart) says
                # nothing about this mail: it goes once more, over a new connection (had the server
                # taken it before hanging up, the repeat has the same Message-ID).
                client.close()
                client = await self._connect()
                await client.send_message(email)
        except aiosmtplib.SMTPRecipientsRefused:
            self._idle.append(client)  # the envelope was reset: the connection is as good as before
            raise
        except BaseException:
            client.close()  # in an unknown state: what it was half-way through must not leak into the next mail
            raise
        self._idle.append(client)

    async def _take(self) -> tuple[aiosmtplib.SMTP, bool]:
        """A connection, and whether it was kept from an earlier mail."""
        while self._idle:
            client = self._idle.pop()
            if client.is_connected:
                return client, True
            client.close()  # the server hung up while it waited
        return await self._connect(), False

    async def _connect(self) -> aiosmtplib.SMTP:
        s = self._settings
        client = aiosmtplib.SMTP(
            hostname=s.smtp_host,
            port=s.smtp_port,
            username=s.smtp_username or None,
            password=s.smtp_password.get_secret_value() if s.smtp_password else None,
            start_tls=s.smtp_starttls,
            use_tls=s.smtp_tls,
            timeout=s.smtp_timeout_seconds,
        )
        await client.connect()
        return client

    async def close_idle(self) -> None:
        """Says QUIT on every connection no send is using (mail servers drop idle ones anyway)."""
        idle, self._idle = self._idle, []
        for client in idle:
            await _close(client)


async def _close(client: aiosmtplib.SMTP) -> None:
    try:
        if client.is_connected:
            await client.quit()
    except (aiosmtplib.SMTPException, OSError, TimeoutError):
        client.close()  # the server went away first: nothing to say goodbye to
