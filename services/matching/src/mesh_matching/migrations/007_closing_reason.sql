-- Why a match was declined or ended, in words (possibly a participant's own): kept here and shown on
-- the match, since events no longer carry it; erased with the reasons when either person is erased.
ALTER TABLE matches ADD COLUMN closing_reason text;
