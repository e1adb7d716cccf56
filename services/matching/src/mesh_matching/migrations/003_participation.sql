-- Participants who left are withdrawn from every pool; formed pairs can end.
ALTER TABLE candidates ADD COLUMN active boolean NOT NULL DEFAULT true;
DROP INDEX candidates_program_free;
CREATE INDEX candidates_program_free ON candidates (program_id, joined_seq) WHERE used < capacity AND active;
ALTER TABLE matches DROP CONSTRAINT matches_status_check;
ALTER TABLE matches ADD CONSTRAINT matches_status_check
    CHECK (status IN ('proposed', 'accepted', 'declined', 'expired', 'ended'));
