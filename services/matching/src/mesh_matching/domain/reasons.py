"""Why a pair fits, in words: in full for the program's coordinators and admins, and as either of
the pair may read it.

Rule for a participant's view: it never quotes the other person's challenges (they may be health
or other special-category data), only how many both named; of experiences, goals and interests it
quotes only what both wrote (compared without case, shown folded, so neither person's own
spelling shows). Whatever a participant types into their own profile, they learn no word of
anyone else's they did not write themselves.
"""

from collections.abc import Sequence
from dataclasses import dataclass

SHARED_CRITERIA = ("experiences", "goals", "challenges", "interests")
VERBS = {
    "experiences": "share experiences",
    "goals": "share goals",
    "challenges": "face the same challenges",
    "interests": "share interests",
}
COUNTED_ONLY = frozenset({"challenges"})  # a participant learns how many are shared, never which
NOUNS = {"challenges": ("shared challenge", "shared challenges")}


@dataclass(frozen=True, slots=True)
class Shared:
    """What both wrote under one criterion (``items``: in the first person's spelling)."""

    criterion: str
    items: tuple[str, ...]

    def in_full(self) -> str:
        """For coordinators and admins: the items as written."""
        return f"both {VERBS[self.criterion]}: {', '.join(self.items)}"

    def for_participant(self) -> str:
        """For either of the pair: a count for challenges, the folded intersection otherwise."""
        if self.criterion in COUNTED_ONLY:
            one, many = NOUNS[self.criterion]
            return f"{len(self.items)} {one if len(self.items) == 1 else many}"
        return f"both {VERBS[self.criterion]}: {', '.join(sorted({item.casefold() for item in self.items}))}"


Reason = str | Shared  # a plain string quotes no one's own words: topic, languages, hours, campus, mode, cadence


def in_full(reasons: Sequence[Reason]) -> tuple[str, ...]:
    return tuple(reason if isinstance(reason, str) else reason.in_full() for reason in reasons)


def for_participant(reasons: Sequence[Reason]) -> tuple[str, ...]:
    """The same reasons, in the same order, as either of the pair may read them."""
    return tuple(reason if isinstance(reason, str) else reason.for_participant() for reason in reasons)
