-- Why a participant left, in their words: kept with their profile (events no longer carry it) and
-- erased with the rest of their personal data.
ALTER TABLE participants ADD COLUMN left_reason text;
