"""Erasure in notify, in either order: events about a person read after their erasure (they travel
on other topics, so in no fixed order with it) leave no mail to them and no quote of them.

Driven with the retired v1 events (history from before contracts 2.0), which carry names and reasons
themselves: the hardest case, since the words arrive on the event."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from mentoring_contracts import (
    MatchParticipant,
    MatchProposedV1,
    ParticipantErased,
    ParticipantJoinedV1,
    ScorePart,
)
from tests.support.events import deliver as handle
from tests.support.factories import profile
from tests.support.services import in_tenant


def proposal(a: uuid.UUID, b: uuid.UUID) -> MatchProposedV1:
    now = datetime.now(UTC)
    return MatchProposedV1(
        match_id=uuid.uuid4(),
        program_id="stem",
        topic_name="Calculus II",
        kind="peer",
        participants=[MatchParticipant(participant_id=a, role="peer"), MatchParticipant(participant_id=b, role="peer")],
        score=0.8,
        score_parts=[ScorePart(criterion="goals", weight=1, value=1)],
        reasons=["both share goals: a secret goal"],
        proposed_at=now,
        expires_at=now + timedelta(days=7),
    )


@pytest.mark.parametrize("erased_first", [True, False], ids=["erasure first", "proposal first"])
async def test_a_proposal_and_an_erasure_in_either_order_end_the_same(notify, erased_first) -> None:
    app, _ = notify
    leaving, staying = uuid.uuid4(), uuid.uuid4()
    for pid, name in ((leaving, "Erin E."), (staying, "Sam S.")):
        await handle(
            app, ParticipantJoinedV1(participant_id=pid, profile=profile(display_name=name), joined_at=datetime.now(UTC))
        )
    erasure = ParticipantErased(participant_id=leaving, erased_at=datetime.now(UTC))
    for event in (erasure, proposal(leaving, staying)) if erased_first else (proposal(leaving, staying), erasure):
        await handle(app, event)
    rows = await in_tenant(app.state.components.database).fetch(
        "SELECT recipient_id, template, status, context::text AS context FROM notifications ORDER BY created_at"
    )
    to_leaver = [r for r in rows if r["recipient_id"] == leaving]
    assert to_leaver and all(r["status"] != "pending" and r["context"] == "{}" for r in to_leaver)
    [to_partner] = [r for r in rows if r["recipient_id"] == staying and r["template"] == "match_proposed"]
    assert "a secret goal" not in to_partner["context"] and to_partner["status"] == "pending"
    assert (
        await in_tenant(app.state.components.database).fetchval(
            "SELECT count(*) FROM contacts WHERE participant_id = $1", leaving
        )
        == 0
    )
