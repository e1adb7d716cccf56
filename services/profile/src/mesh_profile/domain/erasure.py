"""An erasure of a participant's personal data: who asked (recognised by a salted digest of their
account, never the account itself), when, and which services have confirmed theirs."""

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID


def digest(subject: str, salt: str | None = None) -> str:
    """An erased person's account id is not kept; its salted digest (``salt$sha256``) lets them, and only
    them, follow the erasure. Salted per erasure, so that guessable account ids (numbers, usernames)
    cannot be recovered by hashing candidates once for every row."""
    salt = salt if salt is not None else secrets.token_hex(16)
    return f"{salt}${hashlib.sha256((salt + subject).encode()).hexdigest()}"


def _matches(stored: str, subject: str) -> bool:
    salt, separator, _ = stored.partition("$")
    expected = digest(subject, salt) if separator else hashlib.sha256(subject.encode()).hexdigest()  # before salting
    return hmac.compare_digest(stored, expected)


@dataclass(frozen=True, slots=True)
class Erasure:
    participant_id: UUID
    requested_at: datetime
    requested_by: str  # "participant", or the admin's account id
    requester_digest: str  # salt$sha256(salt + account id)
    confirmations: dict[str, datetime] = field(default_factory=dict)
    erased: dict[str, list[str]] = field(default_factory=dict)  # service -> what it erased, in words

    def requested_by_account(self, subject: str) -> bool:
        return _matches(self.requester_digest, subject)

    def confirmed_by(self, services: Iterable[str]) -> bool:
        """Complete once every service holding personal data (``services``) has confirmed."""
        return set(services) <= set(self.confirmations)
