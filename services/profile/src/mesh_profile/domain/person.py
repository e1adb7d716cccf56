"""A person acting as themself on their own participation (joining, claiming, changing their profile),
as their institution vouches for them: their token, read by the route, never their own word."""

from dataclasses import dataclass, field

from mesh_profile.domain.vouched import Vouched


@dataclass(frozen=True, slots=True)
class Person:
    """``campuses``: the ones they are on; ``email``: the address the institution vouches for (None:
    it vouches for none); ``facts``: what programs' rules read of them."""

    campuses: frozenset[str]
    email: str | None = None
    facts: Vouched = field(default_factory=Vouched)
