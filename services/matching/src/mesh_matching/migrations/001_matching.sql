-- Matching's own view of participants, built from ParticipantJoined.
CREATE TABLE candidates (
    participant_id uuid PRIMARY KEY,
    program_id     text NOT NULL,
    profile        jsonb NOT NULL,
    joined_seq     bigserial,
    -- Capacity is enforced here, not in code: concurrent proposals or acceptances cannot overbook.
    capacity       integer NOT NULL CHECK (capacity >= 0),
    used           integer NOT NULL DEFAULT 0,
    CONSTRAINT capacity_respected CHECK (used >= 0 AND used <= capacity)
);
CREATE INDEX candidates_program_free ON candidates (program_id, joined_seq) WHERE used < capacity;

CREATE TABLE matches (
    match_id      uuid PRIMARY KEY,
    program_id    text NOT NULL,
    topic         text NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('mentor_mentee', 'peer')),
    participant_a uuid NOT NULL REFERENCES candidates (participant_id),
    participant_b uuid NOT NULL REFERENCES candidates (participant_id),
    role_a        text NOT NULL,
    role_b        text NOT NULL,
    score         double precision NOT NULL CHECK (score BETWEEN 0 AND 1),
    score_parts   jsonb NOT NULL,
    reasons       jsonb NOT NULL,
    status        text NOT NULL CHECK (status IN ('proposed', 'accepted', 'declined')),
    accepted_by   uuid[] NOT NULL DEFAULT '{}',
    proposed_at   timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (participant_a <> participant_b)
);
CREATE INDEX matches_participant_a ON matches (participant_a);
CREATE INDEX matches_participant_b ON matches (participant_b);

-- Pairs never to propose again (declined, or already matched), stored low id first.
CREATE TABLE excluded_pairs (
    participant_low  uuid NOT NULL,
    participant_high uuid NOT NULL,
    PRIMARY KEY (participant_low, participant_high),
    CHECK (participant_low < participant_high)
);
