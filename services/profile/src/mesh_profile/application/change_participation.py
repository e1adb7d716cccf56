"""Use cases: a participant updates their profile, or leaves the program."""

from datetime import UTC, datetime
from uuid import UUID

from mentoring_contracts import ParticipantProfile
from mesh_profile.application.admission import admit, program_of, roles_of
from mesh_profile.application.ports import ProfileUnitOfWork
from mesh_profile.domain.participant import AlreadyJoined, Participant, ProfileError
from mesh_profile.domain.questions import as_the_program_spells_it, asked
from mesh_profile.domain.vouched import Vouched, kept_facts


class ParticipantNotFound(ProfileError):
    pass


async def update_profile(
    uow: ProfileUnitOfWork, participant_id: UUID, profile: ParticipantProfile, vouched: Vouched | None = None
) -> Participant:
    """Emits ParticipantProfileUpdated with the whole profile (as published: see ``Participant.published``).
    The program's rules hold for the new profile as for a join (a role newly taken needs a seat; a role
    given up frees one); a new email must still be unique in the program. The participant's own change
    (``vouched``: what their token says; None for an admin's) keeps the facts the rules read as the
    institution gave them (NotVouched otherwise), but for their answers to the program's registration
    questions, which they may change. Newly mentoring in a program that asks approval, they are
    published without it until a coordinator approves them."""
    participant = await _load(uow, participant_id)
    program = await program_of(uow, participant.profile.program_id)
    if vouched is not None:
        profile = kept_facts(
            participant.profile, profile, vouched, rostered=participant.external_id is not None, asked=asked(program.definition)
        )
    profile = as_the_program_spells_it(program.definition, profile)
    now = datetime.now(UTC)
    participant.update(profile, now)  # first what no program allows: a closed profile, another program
    before, after = set(roles_of(participant.profile)), set(roles_of(profile))
    program = await admit(uow, profile, seats_for=sorted(after - before), program=program)
    updated, event = participant.update(profile, now, approval_needed=program.definition.mentors_need_approval)
    await uow.seats.give_back(profile.program_id, sorted(before - after))
    owner = await uow.participants.find_by_email(profile.program_id, updated.email_key)
    if owner is not None and owner.participant_id != participant_id:
        raise AlreadyJoined(profile.program_id, owner.participant_id)
    await uow.participants.save(updated)
    if event is not None:
        await uow.emit(event)
    return updated


async def approve_mentoring(uow: ProfileUnitOfWork, participant_id: UUID) -> Participant:
    """A coordinator approves a participant as a mentor: what is published of them gains their
    mentoring (ParticipantProfileUpdated; ParticipantJoined if they only mentor, so were not yet known)."""
    participant = await _load(uow, participant_id)
    approved, event = participant.approve_mentoring(datetime.now(UTC))
    await uow.participants.save(approved)
    if event is not None:
        await uow.emit(event)
    return approved


async def claim_profile(uow: ProfileUnitOfWork, program_id: str, email: str, subject: str) -> Participant:
    """The person whose address the institution vouches for takes the profile a roster made for them
    (matching, scheduling and notify learn the account through ParticipantProfileUpdated)."""
    participant = await uow.participants.find_by_email(program_id, email.lower())
    if participant is None:
        raise ParticipantNotFound(f"no participant of program {program_id!r} has the email {email}")
    other = await uow.participants.find_by_subject(program_id, subject)
    if other is not None and other.participant_id != participant.participant_id:
        raise AlreadyJoined(program_id, other.participant_id, what="this account")
    claimed, event = participant.claim(subject, datetime.now(UTC))
    if event is not None:
        await uow.participants.save(claimed)
        await uow.emit(event)
    return claimed


async def leave_program(uow: ProfileUnitOfWork, participant_id: UUID, reason: str | None) -> Participant:
    """Emits ParticipantLeft: matching withdraws them and offers their partners a rematch; their seats free."""
    participant = await _load(uow, participant_id)
    left, event = participant.leave(reason, datetime.now(UTC))
    await uow.participants.save(left)
    await uow.seats.give_back(participant.profile.program_id, roles_of(participant.profile))
    await uow.emit(event)
    return left


async def _load(uow: ProfileUnitOfWork, participant_id: UUID) -> Participant:
    participant = await uow.participants.get_for_update(participant_id)
    if participant is None:
        raise ParticipantNotFound(f"no participant {participant_id}")
    return participant
