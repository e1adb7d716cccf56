"""The local SMTP server's handler: a Maildir for every message it accepts, and, like a real mail
server, a permanent refusal (550) for recipients in a domain that takes no mail, so a bad address
shows as it would in production."""

from aiosmtpd.handlers import Mailbox

NO_MAIL_DOMAIN = "nomail.example.edu"


class RefusesNoMailDomain:
    """An aiosmtpd handler part: RCPT to the domain that takes no mail is refused for good."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        if address.rpartition("@")[2].casefold() == NO_MAIL_DOMAIN:
            return "550 5.1.2 no mail is delivered to this domain"
        envelope.rcpt_tos.append(address)
        return "250 OK"


class RefusingMailbox(RefusesNoMailDomain, Mailbox):
    pass
