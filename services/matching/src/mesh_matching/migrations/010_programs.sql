-- What matching knows of each program, from profile's program events: whether it still runs, how its
-- pairs are made, and which campuses it spans (for who may coordinate it). A program matching has
-- not heard of yet (its events still on their way) runs, and both matching and participants make pairs.
CREATE TABLE programs (
    program_id    text PRIMARY KEY,
    campuses      text[] NOT NULL,
    matchmaking   text NOT NULL CHECK (matchmaking IN ('coordinator_rounds', 'self_selection', 'both')),
    status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    defined_at    timestamptz NOT NULL,
    closed_at     timestamptz,
    closing_reason text
);
SELECT mesh_secure_by_institution('programs');
CREATE INDEX matches_open_by_program ON matches (program_id) WHERE status IN ('proposed', 'accepted');
