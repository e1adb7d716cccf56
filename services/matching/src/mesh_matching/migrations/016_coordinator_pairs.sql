-- A coordinator's own hand in pairs: a proposal they make by hand (MatchArranged) keeps the role of who
-- made it and their note to the pair; a formed pair they check in on (MatchNudged) keeps each nudge,
-- at most one a pair in 24 hours. Who did either is in the audit trail, not here. The words (note,
-- message) go when either of the pair is erased, as the match's reasons do.
ALTER TABLE matches ADD COLUMN arranged_by text CHECK (arranged_by IN ('coordinator', 'admin')),
                    ADD COLUMN note text CHECK (char_length(note) <= 500);

CREATE TABLE pair_nudges (
    nudge_id   uuid PRIMARY KEY,
    match_id   uuid NOT NULL REFERENCES matches (match_id),
    program_id text NOT NULL,
    nudged_by  text NOT NULL CHECK (nudged_by IN ('coordinator', 'admin')),
    message    text CHECK (char_length(message) <= 500),
    dormant    boolean NOT NULL,
    nudged_at  timestamptz NOT NULL
);
SELECT mesh_secure_by_institution('pair_nudges');
CREATE INDEX pair_nudges_latest ON pair_nudges (match_id, nudged_at DESC);
