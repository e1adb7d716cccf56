-- Program health, a read model built from the event stream where the pairs are: when each person
-- joined (ParticipantJoined, through profile), and each pair's sessions (scheduling's events).
ALTER TABLE candidates ADD COLUMN joined_at timestamptz;
CREATE TABLE pair_sessions (
    session_id   uuid PRIMARY KEY,
    match_id     uuid NOT NULL,
    program_id   text NOT NULL,
    starts_at    timestamptz,
    completed_at timestamptz,
    cancelled_at timestamptz,
    reflections  integer NOT NULL DEFAULT 0,
    rating_sum   integer NOT NULL DEFAULT 0
);
SELECT mesh_secure_by_institution('pair_sessions');
CREATE INDEX pair_sessions_program ON pair_sessions (institution, program_id);
CREATE INDEX pair_sessions_match ON pair_sessions (match_id);
