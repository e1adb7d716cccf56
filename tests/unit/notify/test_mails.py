"""The mails' table is the one place a mail is declared: the consumer reads what it names, each mail
has a kind a participant may turn off (or is account mail, always sent), and the digest counts mails
that exist."""

from mentoring_contracts import ParticipantErased
from mesh_notify.adapters.events import HANDLERS
from mesh_notify.domain.digest import LINES
from mesh_notify.domain.mails import BY_TEMPLATE, MAILS
from mesh_notify.domain.preferences import ALWAYS_SENT, KINDS


def test_notify_consumes_every_event_of_the_table_and_erasures_and_nothing_else() -> None:
    assert set(HANDLERS) == {*MAILS, ParticipantErased}


def test_every_mail_has_a_kind_and_words_and_each_template_is_declared_once() -> None:
    mails = [mail for mail in MAILS.values() if mail]
    assert len({mail.template for mail in mails}) == len(mails)
    assert all(mail.kind in (*KINDS, *ALWAYS_SENT) and callable(mail.says) for mail in BY_TEMPLATE.values())
    assert {template for templates, _ in LINES for template in templates} <= set(BY_TEMPLATE)
