CREATE TABLE participants (
    participant_id uuid PRIMARY KEY,
    program_id     text NOT NULL,
    email_key      text NOT NULL,
    profile        jsonb NOT NULL,
    joined_at      timestamptz NOT NULL,
    UNIQUE (program_id, email_key)
);
