"""What the health tests share: a formed pair, sessions as scheduling sends them, and two oracles for the
counts matching keeps as rows change: the counts recounted from the rows (the migration's views), and
the figures as program health computed them from the rows before it kept counts (scanning them)."""

import uuid
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from mentoring_contracts import ProgressRating, SessionCompleted
from mesh_matching.application.follow_sessions import follow_session
from tests.integration.matching.support import in_transaction, join
from tests.support.factories import profile
from tests.support.services import in_tenant

PROGRAM = "first-year-stem"


async def accept(client, match_id: str, *people) -> None:
    for person in people:
        assert (await client.post(f"/matches/{match_id}/accept", json={"participant_id": str(person)})).status_code == 200


async def formed_pair(app, client, mentor, **mentee) -> dict:
    """A new mentee proposed to ``mentor`` (who must have room), both accepting."""
    person = await join(app, profile(**mentee))
    match = (await client.get(f"/participants/{person}/matches")).json()[0]
    await accept(client, match["match_id"], mentor, person)
    return (await client.get(f"/matches/{match['match_id']}")).json()


def session(kind, match: dict, **fields) -> Any:
    base = {
        "session_id": fields.pop("session_id", uuid.uuid4()),
        "match_id": match["match_id"],
        "program_id": PROGRAM,
        "participant_ids": [p["participant_id"] for p in match["participants"]],
    }
    return kind.model_validate(base | fields)


def completion(match: dict, at: datetime, session_id=None, ratings=(4,)) -> SessionCompleted:
    ids = [p["participant_id"] for p in match["participants"]]
    return session(
        SessionCompleted,
        match,
        session_id=session_id or uuid.uuid4(),
        completed_at=at,
        reflections=[ProgressRating(participant_id=ids[n % 2], progress_rating=r) for n, r in enumerate(ratings)],
    )


async def seen(app, *events) -> None:
    """Each event as matching's session handler takes it, one transaction each, in this order."""
    for event in events:
        await in_transaction(app, lambda uow, event=event: follow_session(uow, event))


async def counts_match_the_rows(app) -> None:
    """The kept counts are exactly the rows recounted; each person's kept row is theirs recounted."""
    tenant = in_tenant(app.state.components.database)
    kept = await tenant.fetch("""
        SELECT program_id, campus, measure, NULL::date AS on_date, amount FROM health_counts WHERE amount <> 0
        UNION ALL SELECT program_id, campus, measure, on_date, amount FROM health_counts_by_date WHERE amount <> 0""")
    recounted = await tenant.fetch("SELECT program_id, campus, measure, on_date, amount FROM health_counts_recounted")
    assert Counter(map(tuple, kept)) == Counter(map(tuple, recounted))
    # declines count for those still in the program (for those who left, the rows cannot say which were theirs)
    columns = (
        "participant_id, campus, active, has_room, open_matches, active_pairs, first_proposed_at, ever_matched, "
        "first_session_at, CASE WHEN active THEN declines END"
    )
    assert Counter(map(tuple, await tenant.fetch(f"SELECT {columns} FROM health_people"))) == Counter(
        map(tuple, await tenant.fetch(f"SELECT {columns} FROM health_people_recounted"))
    )


async def scanned_figures(app, program_id: str, now: datetime) -> dict[str, dict]:
    """Per campus and '*', the figures as program health read them by scanning the rows before 019."""
    figures: dict[str, dict] = {}
    tenant = in_tenant(app.state.components.database)
    for by_campus in (True, False):
        campus = "c.campus" if by_campus else "'*'"
        for row in await tenant.fetch(_PEOPLE.format(campus=campus), program_id):
            figures.setdefault(row["campus"], {}).update({k: v for k, v in row.items() if k != "campus"})
        pair_campus = "unnest(ARRAY(SELECT DISTINCT c FROM unnest(m.campuses) c))" if by_campus else "'*'"
        for row in await tenant.fetch(_PAIRS.format(campus=pair_campus), program_id):
            figures.setdefault(row["campus"], {}).update({k: v for k, v in row.items() if k != "campus"})
        for row in await tenant.fetch(_ENDED.format(campus=pair_campus), program_id):
            figures.setdefault(row["campus"], {}).setdefault("ended_by_reason", {})[row["category"]] = row["ended"]
        for row in await tenant.fetch(_SESSIONS.format(campus=pair_campus), program_id, now, now - timedelta(days=28)):
            figures.setdefault(row["campus"], {}).update({k: v for k, v in row.items() if k != "campus"})
    return figures


_PEOPLE = """
WITH firsts AS (
    SELECT c.participant_id, min(m.proposed_at) AS first_proposal
    FROM candidates c JOIN matches m ON m.participant_a = c.participant_id OR m.participant_b = c.participant_id
    WHERE c.program_id = $1 GROUP BY c.participant_id
)
SELECT {campus} AS campus, count(*) AS joined,
       count(*) FILTER (WHERE c.active AND c.used < c.capacity AND NOT EXISTS (
           SELECT 1 FROM matches o WHERE (o.participant_a = c.participant_id OR o.participant_b = c.participant_id)
           AND o.status IN ('proposed', 'accepted'))) AS waiting,
       count(f.first_proposal) AS funnel_proposed
FROM candidates c LEFT JOIN firsts f USING (participant_id) WHERE c.program_id = $1 GROUP BY 1
"""
_PAIRS = """
SELECT campus, count(*) FILTER (WHERE status = 'proposed') AS proposed,
       count(*) FILTER (WHERE status IN ('accepted', 'ended')) AS matched,
       count(*) FILTER (WHERE status = 'accepted' AND NOT dormant) AS active_pairs,
       count(*) FILTER (WHERE status = 'accepted' AND dormant) AS dormant_pairs
FROM (SELECT {campus} AS campus, m.status, m.stalled_at IS NOT NULL AS dormant FROM matches m WHERE m.program_id = $1) pairs
GROUP BY campus
"""
_ENDED = """
SELECT {campus} AS campus, health_ended_category(m.closing_reason) AS category, count(*) AS ended
FROM matches m WHERE m.program_id = $1 AND m.status = 'ended' GROUP BY 1, 2
"""
_SESSIONS = """
SELECT {campus} AS campus,
       count(*) FILTER (WHERE s.completed_at >= $3) / 4.0 AS sessions_per_week,
       count(*) FILTER (WHERE s.completed_at IS NOT NULL AND s.reflections > 0)::float
           / nullif(count(*) FILTER (WHERE s.cancelled_at IS NULL AND (s.starts_at <= $2 OR s.completed_at IS NOT NULL)), 0)
           AS reflected_share,
       sum(s.rating_sum)::float / nullif(sum(s.reflections), 0) AS average_rating,
       count(*) FILTER (WHERE s.completed_at IS NOT NULL) AS sessions_completed
FROM pair_sessions s JOIN matches m ON m.match_id = s.match_id WHERE s.program_id = $1 GROUP BY 1
"""
SCANNED = (
    "joined",
    "waiting",
    "proposed",
    "matched",
    "active_pairs",
    "dormant_pairs",
    "sessions_completed",
    "reflected_share",
    "average_rating",
    "sessions_per_week",
)


def as_scanned(figures: dict) -> dict:
    """The API's figures as the scan has them (ended reasons, funnel's proposed step, the shared fields)."""
    return {
        **{name: figures[name] for name in SCANNED},
        "ended_by_reason": figures["ended_by_reason"],
        "funnel_proposed": figures["funnel"]["proposed"],
    }


def scanned(values: dict) -> dict:
    return {
        **{name: values.get(name, 0 if name not in ("reflected_share", "average_rating") else None) for name in SCANNED},
        "sessions_per_week": float(values.get("sessions_per_week") or 0),
        "ended_by_reason": values.get("ended_by_reason", {}),
        "funnel_proposed": values.get("funnel_proposed", 0),
    }
