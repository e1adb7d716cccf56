"""Use cases: a participant updates their profile, claims the one a roster made for them, is approved
as a mentor, or leaves the program."""

from uuid import UUID

from mentoring_contracts import ParticipantProfile
from mesh_profile.application.admission import admit, program_of, require_own_campus, require_own_email, roles_of
from mesh_profile.application.errors import AlreadyJoined, NoVouchedEmail, ParticipantNotFound
from mesh_profile.application.ports import ProfileUnitOfWork
from mesh_profile.domain.participant import Participant
from mesh_profile.domain.person import Person
from mesh_profile.domain.questions import as_the_program_spells_it, asked
from mesh_profile.domain.vouched import kept_facts


async def update_profile(
    uow: ProfileUnitOfWork, participant_id: UUID, profile: ParticipantProfile, person: Person | None = None
) -> Participant:
    """Emits ParticipantProfileUpdated with the whole profile (as published: see ``Participant.published``).
    The program's rules hold for the new profile as for a join (a role newly taken needs a seat; a role
    given up frees one); a new email must still be unique in the program. The participant's own change
    (``person``: as their token says; None for an admin's) moves only to a campus of their own, keeps
    their stored email or takes the one their institution vouches for, and keeps the facts the rules
    read as the institution gave them (NotVouched otherwise), but for their answers to the program's
    registration questions, which they may change. Newly mentoring in a program that asks approval,
    they are published without it until a coordinator approves them."""
    participant = await _load(uow, participant_id)
    if person is not None:
        require_own_campus(person, profile.campus)
        require_own_email(person, str(profile.email), stored=str(participant.profile.email))
    program = await program_of(uow, participant.profile.program_id)
    if person is not None:
        profile = kept_facts(
            participant.profile,
            profile,
            person.facts,
            rostered=participant.external_id is not None,
            asked=asked(program.definition),
        )
    profile = as_the_program_spells_it(program.definition, profile)
    now = uow.clock.now()
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
    approved, event = participant.approve_mentoring(uow.clock.now())
    await uow.participants.save(approved)
    if event is not None:
        await uow.emit(event)
    return approved


async def claim_profile(uow: ProfileUnitOfWork, program_id: str, subject: str, person: Person) -> Participant:
    """The person whose address the institution vouches for (``person.email``) takes the profile a roster
    made for them, on a campus of their own (matching, scheduling and notify learn the account through
    ParticipantProfileUpdated)."""
    if person.email is None:
        raise NoVouchedEmail("your token carries no verified email to find you by")
    participant = await uow.participants.find_by_email(program_id, person.email.lower())
    if participant is None:
        raise ParticipantNotFound(f"no participant of program {program_id!r} has the email {person.email}")
    other = await uow.participants.find_by_subject(program_id, subject)
    if other is not None and other.participant_id != participant.participant_id:
        raise AlreadyJoined(program_id, other.participant_id, what="this account")
    claimed, event = participant.claim(subject, uow.clock.now())
    require_own_campus(person, participant.profile.campus)  # else nothing is claimed
    if event is not None:
        await uow.participants.save(claimed)
        await uow.emit(event)
    return claimed


async def leave_program(uow: ProfileUnitOfWork, participant_id: UUID, reason: str | None) -> Participant:
    """Emits ParticipantLeft: matching withdraws them and offers their partners a rematch; their seats free."""
    participant = await _load(uow, participant_id)
    left, event = participant.leave(reason, uow.clock.now())
    await uow.participants.save(left)
    await uow.seats.give_back(participant.profile.program_id, roles_of(participant.profile))
    await uow.emit(event)
    return left


async def _load(uow: ProfileUnitOfWork, participant_id: UUID) -> Participant:
    participant = await uow.participants.get_for_update(participant_id)
    if participant is None:
        raise ParticipantNotFound(f"no participant {participant_id}")
    return participant
