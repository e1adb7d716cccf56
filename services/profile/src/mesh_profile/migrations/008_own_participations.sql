-- A person finds their own participations without knowing an id (GET /me/participations): by their
-- account, and the profiles a roster made for them (no account yet) by their vouched email. Row-level
-- security keeps each to the institution; an account or an address has a handful of rows.
CREATE INDEX participants_account ON participants (subject) WHERE subject IS NOT NULL;
CREATE INDEX participants_unclaimed_email ON participants (email_key) WHERE subject IS NULL;
