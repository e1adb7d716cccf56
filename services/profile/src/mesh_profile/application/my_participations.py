"""Use case: a person finds their participations across their institution's programs without knowing
any id: those of their account, and the profiles rosters made for them, waiting to be claimed."""

from collections.abc import Iterable

from mesh_profile.application.ports import ProfileUnitOfWork
from mesh_profile.domain.participation import Participation, participations


async def my_participations(
    uow: ProfileUnitOfWork, *, subject: str, email: str | None, campuses: Iterable[str]
) -> list[Participation]:
    """``email``: the address the person's institution vouches for (None: none, so no roster's profile
    is found for them); ``campuses``: theirs, where they may claim a roster's profile."""
    found = await uow.participants.of_account(subject, email.lower() if email is not None else None)
    known = await uow.programs.get_many(sorted({participant.profile.program_id for participant in found}))
    return participations(
        found, {program.program_id: program for program in known}, subject=subject, email=email, campuses=campuses
    )
