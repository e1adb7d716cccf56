"""Use cases: a participant's personal data is erased on request; services confirm theirs."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import UUID

from mentoring_contracts import ParticipantErasureConfirmed
from mesh_profile.application.admission import roles_of
from mesh_profile.application.change_participation import ParticipantNotFound
from mesh_profile.application.ports import ProfileUnitOfWork
from mesh_profile.domain.participant import ParticipantStatus

# Every service that holds personal data, and so must confirm its erasure.
SERVICES_HOLDING_PERSONAL_DATA = ("profile", "matching", "scheduling", "notify")


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

    @property
    def complete(self) -> bool:
        return set(SERVICES_HOLDING_PERSONAL_DATA) <= set(self.confirmations)


async def erase_participant(uow: ProfileUnitOfWork, participant_id: UUID, requested_by: str, by_admin: bool) -> Erasure:
    """Erases the profile's personal data now and emits ParticipantErased for the other services.
    Asking again changes nothing and answers with the erasure already under way (idempotent)."""
    participant = await uow.participants.get_for_update(participant_id)
    if participant is None:
        raise ParticipantNotFound(f"no participant {participant_id}")
    if participant.status is ParticipantStatus.ERASED:
        existing = await uow.participants.erasure(participant_id)
        assert existing is not None, "an erased participant has its erasure record"
        return existing
    now = datetime.now(UTC)
    erased, event = participant.erase(now)
    await uow.participants.save(erased)
    if participant.status is ParticipantStatus.ACTIVE:
        await uow.seats.give_back(participant.profile.program_id, roles_of(participant.profile))
    who = requested_by if by_admin and requested_by != participant.subject else "participant"
    erasure = Erasure(
        participant_id,
        now,
        who,
        digest(requested_by),
        {"profile": now},
        {"profile": ["name and email", "profile free text", "reason for leaving", "account link"]},
    )
    await uow.participants.add_erasure(erasure)
    await uow.purge_published_mentions(participant_id)
    await uow.emit(event)
    return erasure


async def confirm_erasure(uow: ProfileUnitOfWork, confirmed: ParticipantErasureConfirmed) -> None:
    await uow.participants.confirm_erasure(
        confirmed.participant_id, confirmed.service, confirmed.confirmed_at, list(confirmed.erased)
    )
