"""Each participant's state, kept on their candidate row for the participants directory.

One state each, the first that holds (``mesh_participant_state``, migration 018):

- ``left``: withdrawn from the program (they left, or were erased);
- ``proposed``: an open proposal of theirs awaits an answer (theirs or their partner's);
- ``matched``: in a formed pair that is not dormant;
- ``dormant``: in formed pairs only, every one of them found dormant (MatchStalled) and not active since;
- ``waiting``: none of these (active, nothing open: in the pool, or with no place to offer).

So a mentor with places for several mentees is ``proposed`` while any proposal of theirs is open, else
``matched`` while any pair of theirs is active, else ``dormant`` while they have dormant pairs only.

The state is derived from the rows as they are, never counted up or down: every store method that
changes what it reads (a match proposed, answered, closed, found dormant or revived; a participant
withdrawn) derives it again in the same transaction, so redelivered or reordered events leave the
same state. The participants' rows are locked first, in id order: of two transactions changing one
person's matches at once, the later derives from what the earlier committed."""

from collections.abc import Iterable
from uuid import UUID

import asyncpg


async def refresh_states(connection: asyncpg.Connection, participant_ids: Iterable[UUID]) -> None:
    ids = sorted(set(participant_ids))
    if not ids:
        return
    await connection.execute(
        "SELECT 1 FROM candidates WHERE participant_id = ANY($1::uuid[]) ORDER BY participant_id FOR UPDATE", ids
    )
    await connection.execute(
        """
        UPDATE candidates c SET state = derived.state
        FROM (SELECT participant_id, mesh_participant_state(participant_id, active) AS state FROM candidates
              WHERE participant_id = ANY($1::uuid[])) derived
        WHERE c.participant_id = derived.participant_id AND c.state <> derived.state
        """,
        ids,
    )
