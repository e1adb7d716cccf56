"""Use cases: a participant's personal data is erased on request; services confirm theirs."""

from uuid import UUID

from mentoring_contracts import ParticipantErasureConfirmed
from mesh_profile.application.admission import roles_of
from mesh_profile.application.errors import ParticipantNotFound
from mesh_profile.application.ports import ProfileUnitOfWork
from mesh_profile.domain.erasure import Erasure, digest
from mesh_profile.domain.participant import ParticipantStatus

# Every service that holds personal data, and so must confirm its erasure.
SERVICES_HOLDING_PERSONAL_DATA = ("profile", "matching", "scheduling", "notify")


def complete(erasure: Erasure) -> bool:
    """Every service holding personal data has confirmed its erasure."""
    return erasure.confirmed_by(SERVICES_HOLDING_PERSONAL_DATA)


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
    now = uow.clock.now()
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
    """Records a service's confirmation; one seen twice (or late) keeps the first one given. That the
    service confirms only its own erasure is the consumer's provenance check."""
    await uow.participants.confirm_erasure(
        confirmed.participant_id, confirmed.service, confirmed.confirmed_at, list(confirmed.erased)
    )
