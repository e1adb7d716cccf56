"""Use case: a participant was erased; matching forgets who they were and keeps what counts."""

from mentoring_contracts import ParticipantErased, ParticipantErasureConfirmed
from mesh_matching.application.places import withdraw
from mesh_matching.application.ports import MatchingUnitOfWork

ERASED_REASON = "participant's data was erased"


async def forget_participant(uow: MatchingUnitOfWork, erased: ParticipantErased) -> None:
    """Active matches end and places free (partners are offered a rematch at once); the profile's
    personal data and the reasons that quote it go; scores, parts and dates stay for the program's
    statistics. Confirms, whether or not matching held anything of them."""
    now = uow.clock.now()
    candidate = await uow.candidates.get(erased.participant_id)
    erased_what = []
    if candidate is not None:
        await withdraw(uow, erased.participant_id, candidate.program_id, ERASED_REASON, now)
        if await uow.candidates.anonymise(erased.participant_id):
            erased_what += ["name and email", "profile free text", "account link"]
        if await uow.matches.redact_reasons(erased.participant_id):
            erased_what.append("match reasons and the reasons given for declining or ending")
    if await uow.purge_published_mentions(erased.participant_id):
        erased_what.append("published events kept in the outbox")
    await uow.emit(
        ParticipantErasureConfirmed(
            participant_id=erased.participant_id, service="matching", erased=erased_what, confirmed_at=now
        )
    )
