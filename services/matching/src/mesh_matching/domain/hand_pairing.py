"""A pair a coordinator proposes by hand: who takes which role, how the program's policy scores it, and
what the coordinator should know before overriding.

Rules:
- In a peer program (the policy's ``mode``) both are peers, on the first topic by name both take as
  peers, else one both name, else the first named's own.
- In a mentor_mentee program roles come from their topic roles: a topic both hold where one mentors
  and the other is mentored decides (the first by name); failing that, whoever mentors any topic
  mentors whoever is mentored in any, on the mentee's first topic (the first named mentors when
  either could); failing that, two peers are peers (a program that also offers the peer role pairs
  them so itself). Anyone else is refused (``RolesDoNotFit``): two mentees, two mentors, a mentor and
  a peer.
- The score, its parts and its reasons are the program policy's (``scoring.score_given``: the code
  that scores every proposal), whatever rule the pair breaks.
- No rule of the policy is hard for a coordinator: each one the pair breaks, and whatever else would
  make the pair hard going (no shared language, no shared hour, no mode both accept), is a warning,
  with ``rule`` saying whether matching itself would never propose the pair because of it.
"""

from dataclasses import dataclass
from datetime import datetime

from mesh_matching.domain.candidate import Candidate
from mesh_matching.domain.match import MatchError
from mesh_matching.domain.scoring import COMPLEMENTARY, MatchingPolicy, PairScore, broken_rules, score_given


class RolesDoNotFit(MatchError):
    """Neither can mentor the other, and they are not both peers."""


@dataclass(frozen=True, slots=True)
class Caution:
    code: str
    detail: str
    rule: bool = False  # a rule of the program's policy under which matching would never propose the pair


@dataclass(frozen=True, slots=True)
class HandPair:
    pair: PairScore  # roles in the order the two were named
    warnings: tuple[Caution, ...]

    @property
    def overridden(self) -> tuple[str, ...]:
        """The policy's rules the proposal overrides, as codes."""
        return tuple(warning.code for warning in self.warnings if warning.rule)

    @property
    def policy_eligible(self) -> bool:
        """Whether matching itself could have proposed this pair."""
        return not self.overridden


def pair_by_hand(first: Candidate, second: Candidate, policy: MatchingPolicy, week_start: datetime) -> HandPair:
    """Both of one program, two different people (the caller's checks)."""
    topic, roles, notes = _roles(first, second, policy.mode)
    pair = score_given(first, second, policy, week_start, topic, roles)
    cautions = [
        Caution(code, _worded(code, words, pair), rule=True) for code, words in broken_rules(first, second, policy, week_start)
    ]
    codes = {caution.code for caution in cautions}
    if "no-shared-language" not in codes and not _folded(first.profile.languages) & _folded(second.profile.languages):
        cautions.append(Caution("no-shared-language", "no shared language (the program's policy allows it)"))
    if pair.overlap_hours == 0:
        cautions.append(
            Caution(
                "no-shared-availability",
                "no hour of their weekly availabilities overlaps: "
                "scheduling cannot plan their sessions until one of them changes theirs",
            )
        )
    if "no-shared-topic" not in codes and not _both_hold(first, second, topic, roles):
        held = "as peers" if roles == ("peer", "peer") else "where one mentors the other"
        cautions.append(Caution("no-shared-topic", f"no topic both take {held}: the match is about {pair.topic}"))
    return HandPair(pair, (*cautions, *notes))


def _both_hold(a: Candidate, b: Candidate, topic: str, roles: tuple[str, str]) -> bool:
    key = topic.strip().casefold()
    mine, theirs = a.topic_roles().get(key), b.topic_roles().get(key)
    return mine is not None and theirs is not None and (mine.role, theirs.role) == roles


def _folded(values: list[str]) -> set[str]:
    return {value.casefold() for value in values}


def _worded(code: str, words: str, pair: PairScore) -> str:
    if code == "no-shared-topic":
        return f"{words}: the match is about {pair.topic}, as {' and '.join(dict.fromkeys(pair.roles))}"
    if code == "no-meeting-mode":
        return f"{words}: their sessions are planned online"
    return words


def _roles(a: Candidate, b: Candidate, mode: str) -> tuple[str, tuple[str, str], list[Caution]]:
    """(topic, (a's role, b's role), notes)."""
    mine, theirs = a.topic_roles(), b.topic_roles()
    shared = sorted((mine[key].topic, (mine[key].role, theirs[key].role)) for key in mine if key in theirs)
    fitting = [(topic, roles) for topic, roles in shared if roles in COMPLEMENTARY]
    peers = [topic for topic, roles in fitting if roles == ("peer", "peer")]
    if mode == "peer":
        named = peers or [t for t, _ in shared]
        topic = named[0] if named else _first_topic(a, "peer") or _first_topic(a) or _first_topic(b)
        if topic is None:
            raise RolesDoNotFit(f"neither names a topic: {_described(a)}; {_described(b)}")
        return topic, ("peer", "peer"), []
    mentoring = [(topic, roles) for topic, roles in fitting if roles != ("peer", "peer")]
    if mentoring:
        topic, roles = mentoring[0]
        return topic, roles, []
    # The topic each could mentor the other in (the mentee's first), if they could.
    a_mentors_in = _first_topic(b, "mentee") if _first_topic(a, "mentor") is not None else None
    b_mentors_in = _first_topic(a, "mentee") if _first_topic(b, "mentor") is not None else None
    if a_mentors_in is not None:
        notes = (
            [
                Caution(
                    "either-could-mentor",
                    f"either could mentor the other: {a.profile.display_name}, named "
                    "first, mentors (name them the other way round to swap)",
                )
            ]
            if b_mentors_in is not None
            else []
        )
        return a_mentors_in, ("mentor", "mentee"), notes
    if b_mentors_in is not None:
        return b_mentors_in, ("mentee", "mentor"), []
    if peers:
        return peers[0], ("peer", "peer"), []
    a_peer = _first_topic(a, "peer")
    if a_peer is not None and _first_topic(b, "peer") is not None:
        return a_peer, ("peer", "peer"), []
    raise RolesDoNotFit(f"neither can mentor the other: {_described(a)}; {_described(b)}")


def _first_topic(candidate: Candidate, role: str | None = None) -> str | None:
    """The first by name of their topics (in this role): a mentee's is what the match is about."""
    topics = sorted(t.topic for t in candidate.profile.topics if role is None or t.role == role)
    return topics[0] if topics else None


def _described(candidate: Candidate) -> str:
    roles = sorted({t.role for t in candidate.profile.topics})
    return f"{candidate.profile.display_name} takes part as {' and '.join(roles) or 'nothing'}"
