"""Every consumer of ParticipantErased passes the same erasure cases (``cases/erasure.py``): each class
here only starts its service and says which events put a person into it and where an erased person's
id may stay. Driven by the retired v1 events, which carry names and words themselves: the hardest
case, since what must be forgotten arrives on the event."""

import uuid
from datetime import UTC, datetime, timedelta

from mentoring_contracts import (
    MatchAcceptedV1,
    MatchParticipant,
    MatchProposedV1,
    ParticipantJoinedV1,
    ParticipantProfile,
    ParticipantProfileUpdatedV1,
    ParticipantScheduleV1,
    ScorePart,
)
from mesh_matching.bootstrap import DEFINITION as MATCHING
from mesh_notify.bootstrap import DEFINITION as NOTIFY
from mesh_scheduling.bootstrap import DEFINITION as SCHEDULING
from tests.integration.services.cases.erasure import ErasureConsumerCases, Pair, Person
from tests.integration.services.cases.holdings import rows_naming
from tests.support.factories import mentor_profile, profile
from tests.support.identity import as_
from tests.support.pairs import AGREEMENT, WEEKDAYS
from tests.support.services import in_tenant


def profile_of(person: Person, *, mentor: bool = False) -> ParticipantProfile:
    goal, challenge, interest, story = person.words
    return (mentor_profile if mentor else profile)(
        program_id=person.program_id,
        display_name=person.display_name,
        email=person.email,
        goals=[goal],
        challenges=[challenge],
        interests=[interest],
        experiences=[story],
    )


def joined(person: Person, *, mentor: bool = False) -> ParticipantJoinedV1:
    return ParticipantJoinedV1(
        participant_id=person.participant_id,
        subject=person.subject,
        profile=profile_of(person, mentor=mentor),
        joined_at=datetime.now(UTC),
    )


def updated(person: Person) -> ParticipantProfileUpdatedV1:
    return ParticipantProfileUpdatedV1(
        participant_id=person.participant_id,
        subject=person.subject,
        profile=profile_of(person),
        updated_at=datetime.now(UTC),
    )


def proposed(pair: Pair) -> MatchProposedV1:
    now = datetime.now(UTC)
    return MatchProposedV1(
        match_id=uuid.uuid4(),
        program_id=pair.person.program_id,
        topic_name="Calculus II",
        kind="peer",
        participants=[MatchParticipant(participant_id=p.participant_id, role="peer") for p in (pair.person, pair.partner)],
        score=0.8,
        score_parts=[ScorePart(criterion="goals", weight=1, value=1)],
        reasons=[f"both share goals: {pair.person.words[0]}", f"{pair.person.given_name} likes {pair.person.words[2]}"],
        proposed_at=now,
        expires_at=now + timedelta(days=7),
    )


def accepted(pair: Pair) -> MatchAcceptedV1:
    def schedule(person: Person) -> ParticipantScheduleV1:
        return ParticipantScheduleV1.model_validate(
            {
                "participant_id": person.participant_id,
                "subject": person.subject,
                "role": "peer",
                "campus": "north",
                "time_zone": "Europe/Berlin",
                "weekly_availability": [{"weekday": day, "start": "17:00", "end": "20:00"} for day in WEEKDAYS],
                "meeting_modes": ["online"],
                "preferred_cadence": "weekly",
            }
        )

    return MatchAcceptedV1(
        match_id=uuid.uuid4(),
        program_id=pair.person.program_id,
        topic_name="Calculus II",
        kind="peer",
        participants=[schedule(pair.person), schedule(pair.partner)],
        accepted_at=datetime.now(UTC),
    )


class TestMatchingForgets(ErasureConsumerCases):
    definition = MATCHING
    # Its tombstone; the candidate stays, anonymised ("Erased participant", its name's search words
    # too), so places and statistics hold; matches keep the pair's ids, scores and dates, their reasons
    # gone; the pair is never proposed again; the program's health counts them.
    keeps_the_id_in = frozenset(
        {"erased_participants", "candidates", "candidate_name_words", "matches", "excluded_pairs", "health_people"}
    )

    def seeding(self, pair: Pair) -> list:
        return [joined(pair.partner, mentor=True), joined(pair.person)]  # the mentee's join proposes the pair

    def late(self, pair: Pair) -> list:
        return [updated(pair.person), joined(pair.person)]

    async def held_of_partner(self, app, pair: Pair) -> dict:
        """What the partner holds now: rows naming them (but the proposal an erasure after the join
        closed, and the pair it excluded: history that an erasure first never made), their place and
        whether they wait."""
        rows = await rows_naming(app, str(pair.partner.participant_id))
        state = await in_tenant(app.state.components.database).fetchrow(
            "SELECT c.active, c.used, h.waiting FROM candidates c JOIN health_people h USING (participant_id) "
            "WHERE participant_id = $1",
            pair.partner.participant_id,
        )
        return {table: n for table, n in rows.items() if table not in {"matches", "excluded_pairs"}} | dict(state)


class TestSchedulingForgets(ErasureConsumerCases):
    definition = SCHEDULING
    # Its tombstone; the pair, its sessions (ratings count for progress) and agreements keep who is
    # who, their words and account link gone.
    keeps_the_id_in = frozenset({"erased_participants", "pairs", "sessions", "agreements"})
    # A pair formed just before the erasure and read after it still gets its first session (matching
    # ends the pair, and its sessions with it).
    still_names_them_in = frozenset({"SessionScheduled"})

    def seeding(self, pair: Pair) -> list:
        return [accepted(pair)]

    async def written_over_http(self, app, client, pair: Pair) -> list[str]:
        """An agreement's goals and expectations, a session's notes and a cancelled one's reason: theirs."""
        goal, expectation, notes, reason = (
            f"{pair.person.given_name} {word}" for word in ("aims", "expects", "noted", "cancelled")
        )
        person, headers = str(pair.person.participant_id), as_("scheduling", "participant", subject=pair.person.subject)
        match_id = await in_tenant(app.state.components.database).fetchval(
            "SELECT match_id FROM sessions WHERE $1 = ANY(participant_ids) LIMIT 1", pair.person.participant_id
        )
        agreement = AGREEMENT | {"participant_id": person, "goals": [{"description": goal}], "expectations": [expectation]}
        assert (await client.post(f"/matches/{match_id}/agreements", json=agreement, headers=headers)).status_code == 201
        first = (await client.get(f"/matches/{match_id}/sessions")).json()[0]["session_id"]
        done = {"participant_id": person, "progress_rating": 4, "notes": notes}
        assert (await client.post(f"/sessions/{first}/complete", json=done, headers=headers)).status_code == 200
        following = (await client.get(f"/matches/{match_id}/sessions")).json()[1]["session_id"]
        cancel = {"participant_id": person, "reason": reason}
        assert (await client.post(f"/sessions/{following}/cancel", json=cancel, headers=headers)).status_code == 200
        return [goal, expectation, notes, reason]


class TestNotifyForgets(ErasureConsumerCases):
    definition = NOTIFY
    # Its tombstone, and the mails that were to them, cancelled and emptied (they count for delivery statistics).
    keeps_the_id_in = frozenset({"erased_participants", "notifications"})

    def seeding(self, pair: Pair) -> list:
        return [joined(pair.person), joined(pair.partner), proposed(pair)]

    def late(self, pair: Pair) -> list:
        return [updated(pair.person), proposed(pair)]
