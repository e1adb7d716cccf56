"""Use case: a person joins a mentoring program."""

from uuid import uuid4

from mentoring_contracts.events.participants import ParticipantProfile
from mesh_profile.application.admission import admit, program_of, require_own_campus, require_own_email, vouched_email
from mesh_profile.application.errors import AlreadyJoined, NotVouched, NotVouchedOnJoin
from mesh_profile.application.ports import ProfileUnitOfWork
from mesh_profile.domain.participant import Participant, join
from mesh_profile.domain.person import Person
from mesh_profile.domain.questions import as_the_program_spells_it, asked
from mesh_profile.domain.vouched import self_joined


async def join_program(
    uow: ProfileUnitOfWork, profile: ParticipantProfile, *, institution: str, subject: str, person: Person
) -> Participant:
    """Stores the participant and emits ParticipantJoined. A person joins as themself (``person``: as
    their token says), on a campus of their own, with the email their institution vouches for (in its
    spelling), and the facts the program's rules read are the institution's, never the person's own
    word (NotVouchedOnJoin). The program must exist in the institution, be open, admit the profile by
    every rule and have a seat in each limited role they take; an email, and an account, join a
    program once: a join sent again by the same account (a client retrying after a lost answer) is
    refused with the participant it already made. A mentor in a program that asks a coordinator's
    approval is published without their mentoring (not at all, if they only mentor) until it is
    given. Of the program's custom attributes the person gives only the answers to its registration
    questions (``asked``), which its rules read as any other."""
    require_own_campus(person, profile.campus)
    email = vouched_email(person)
    require_own_email(person, str(profile.email))
    profile = profile.model_copy(update={"email": email})  # the institution's spelling of it, not the body's
    program = await program_of(uow, profile.program_id)
    try:
        own = self_joined(profile, person.facts, asked(program.definition))
    except NotVouched as error:
        raise NotVouchedOnJoin(error.field, str(error)) from error
    profile = as_the_program_spells_it(program.definition, own)
    await admit(uow, profile, program=program)
    participant, joined = join(
        uuid4(),
        profile,
        uow.clock.now(),
        institution=institution,
        subject=subject,
        approval_needed=program.definition.mentors_need_approval,
    )
    existing = await uow.participants.find_by_email(profile.program_id, participant.email_key)
    if existing is not None:
        raise AlreadyJoined(profile.program_id, existing.participant_id, yours=existing.subject == subject)
    existing = await uow.participants.find_by_subject(profile.program_id, subject)
    if existing is not None:
        raise AlreadyJoined(profile.program_id, existing.participant_id, what="this account", yours=True)
    await uow.participants.add(participant)
    if joined is not None:
        await uow.emit(joined)
    return participant
