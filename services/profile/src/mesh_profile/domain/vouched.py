"""What a participant cannot say of themself: the facts programs' participation rules read.

A student must not pass a staff-only rule by declaring ``affiliation: staff``. So the facts rules
read come from the institution, never from the person:

- ``affiliation``, ``year_of_study`` and ``department`` come from the person's token (their
  institution's identity provider) on a self-join, or from the program's roster;
- a program's own attributes (``custom_attributes``) come only from its roster (or an admin), unless
  the program marks one ``asked``: a registration question (domain/questions.py), which the person
  answers themself on joining and may change later, even when a roster gave a first answer. That
  takes an explicit ``asked: true`` in the definition, so no definition opens a rule to
  self-assertion by mistake; a rule over an unmarked attribute is satisfied only by a value the
  institution gave. A self-join gives only answers to asked attributes.

A fact left out of a request is taken from where it comes from; one given must be that value (words
compared without case), else it is refused naming the field. Admins, and
the roster, set them as they are; a participant never changes them, but may take up the value their
token now carries (a new year of study) unless a roster gave it: the roster's word stands.
"""

from dataclasses import dataclass
from typing import Any, get_args

from mentoring_contracts.events.participants import Affiliation, ParticipantProfile
from mesh_profile.domain.participant import ProfileError

FACTS = ("affiliation", "year_of_study", "department")
AFFILIATIONS = frozenset(get_args(Affiliation))
MOST_YEARS = 12  # as the profile's year_of_study


class NotVouched(ProfileError):
    """A request states a fact of the person the institution did not give (the field is named)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class Vouched:
    """What the person's token says of them; None: it says nothing (or nothing a profile can hold)."""

    affiliation: str | None = None
    year_of_study: int | None = None
    department: str | None = None

    @classmethod
    def of(cls, affiliation: str | None, year_of_study: int | None, department: str | None) -> "Vouched":
        """Keeps only what a profile can hold: one of the five affiliations, a year from 1 to 12, a
        department of at most 120 characters (an IdP's ``member`` or ``alum`` counts as none)."""
        return cls(
            affiliation if affiliation in AFFILIATIONS else None,
            year_of_study if year_of_study is not None and 1 <= year_of_study <= MOST_YEARS else None,
            department if department is not None and len(department) <= 120 else None,
        )


def self_joined(profile: ParticipantProfile, vouched: Vouched, asked: frozenset[str] = frozenset()) -> ParticipantProfile:
    """The profile of a person joining as themself, with the facts of their token. Raises NotVouched
    for a fact given that the token does not say, and for any custom attribute but the program's
    registration questions (``asked``: their names), which the person answers."""
    for name in FACTS:
        given, theirs = getattr(profile, name), getattr(vouched, name)
        if given is not None and not _same(given, theirs):
            raise NotVouched(
                name,
                f"{name} comes from your institution, not from you: "
                + (f"your token says {theirs!r}" if theirs is not None else "your token gives none"),
            )
    if declared := sorted(set(profile.custom_attributes) - asked):
        name = declared[0]
        raise NotVouched(
            f"custom_attributes.{name}",
            f"custom_attributes.{name} comes from your institution (the "
            "program's roster), not from you: the program does not ask it",
        )
    return profile.model_copy(update={name: getattr(vouched, name) for name in FACTS})


def kept_facts(
    current: ParticipantProfile, new: ParticipantProfile, vouched: Vouched, *, rostered: bool, asked: frozenset[str] = frozenset()
) -> ParticipantProfile:
    """A participant's own change of their profile: each fact stays as stored (left out, it is kept),
    or, unless a roster gave it (``rostered``), takes the value of their token. Custom attributes stay
    as stored (left out: kept), but for the answers to the program's registration questions
    (``asked``), which take the value given. Raises NotVouched naming the first fact changed otherwise."""
    facts: dict[str, Any] = {}
    for name in FACTS:
        given, stored, theirs = getattr(new, name), getattr(current, name), getattr(vouched, name)
        if given is None or _same(given, stored):
            facts[name] = stored
        elif not rostered and _same(given, theirs):
            facts[name] = theirs
        else:
            source = "your program's roster" if rostered else "your institution"
            raise NotVouched(name, f"{name} comes from {source}; you cannot change it")
    if changed := sorted(
        name
        for name, value in new.custom_attributes.items()
        if name not in asked and value != current.custom_attributes.get(name)
    ):
        name = changed[0]
        raise NotVouched(
            f"custom_attributes.{name}", f"custom_attributes.{name} comes from your program's roster; you cannot change it"
        )
    answers = {name: value for name, value in new.custom_attributes.items() if name in asked}
    return new.model_copy(update=facts | {"custom_attributes": current.custom_attributes | answers})


def _same(given: Any, theirs: Any) -> bool:
    if theirs is None:
        return False
    if isinstance(given, str) and isinstance(theirs, str):
        return given.casefold() == theirs.casefold()
    return bool(given == theirs)
