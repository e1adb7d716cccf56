-- Every participant is someone's: an account (the token's subject) of one institution, on one campus.
-- (mesh_secure_by_institution, in the runtime's migrations: the column, and row-level security).
ALTER TABLE participants ADD COLUMN campus text, ADD COLUMN subject text;
UPDATE participants SET campus = profile->>'campus';
ALTER TABLE participants ALTER COLUMN campus SET NOT NULL, ADD COLUMN institution text;
UPDATE participants SET institution = 'unassigned';
CREATE INDEX participants_tenancy ON participants (institution, campus);
-- One account joins one program once.
CREATE UNIQUE INDEX participants_program_subject ON participants (program_id, subject) WHERE subject IS NOT NULL;

-- A program belongs to one institution, never two: the first join claims its id for that institution.
CREATE TABLE programs (
    program_id  text PRIMARY KEY,
    institution text NOT NULL,
    claimed_at  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO programs (program_id, institution) SELECT DISTINCT program_id, institution FROM participants
ON CONFLICT DO NOTHING;
-- Secured last: the backfill above reads every row.
SELECT mesh_secure_by_institution('participants');
SELECT mesh_secure_by_institution('programs');

