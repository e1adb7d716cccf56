-- Formed pairs, from MatchAccepted, with what scheduling needs of each participant.
CREATE TABLE pairs (
    match_id             uuid PRIMARY KEY,
    program_id           text NOT NULL,
    members              jsonb NOT NULL,
    unschedulable_reason text,
    created_at           timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sessions (
    session_id      uuid PRIMARY KEY,
    match_id        uuid NOT NULL REFERENCES pairs (match_id),
    program_id      text NOT NULL,
    participant_ids uuid[] NOT NULL CHECK (cardinality(participant_ids) = 2),
    sequence        integer NOT NULL CHECK (sequence >= 1),
    starts_at       timestamptz NOT NULL,
    ends_at         timestamptz NOT NULL CHECK (ends_at > starts_at),
    meeting_mode    text NOT NULL,
    cadence         text NOT NULL,
    status          text NOT NULL CHECK (status IN ('scheduled', 'completed')),
    completed_at    timestamptz,
    reflections     jsonb NOT NULL DEFAULT '[]',
    UNIQUE (match_id, sequence)
);
