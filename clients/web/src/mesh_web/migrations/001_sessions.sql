-- Sessions of signed-in people (and of people on their way to sign in). The cookie holds a random
-- 256-bit id; only its SHA-256 is kept, so a copy of this table opens no session. Tokens, the
-- sign-in's state and a form kept across an expired session are sealed (AES-256-GCM) in `sealed`.
CREATE TABLE web_sessions (
    id_hash     bytea PRIMARY KEY,
    subject     text,
    idp_session text,
    sealed      bytea NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    seen_at     timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
);
CREATE INDEX web_sessions_idp_session ON web_sessions (idp_session) WHERE idp_session IS NOT NULL;
CREATE INDEX web_sessions_subject ON web_sessions (subject) WHERE subject IS NOT NULL;
CREATE INDEX web_sessions_expires_at ON web_sessions (expires_at);
