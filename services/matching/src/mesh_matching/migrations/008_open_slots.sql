-- Intake at scale: a join reads only the people who could fit it, never the whole pool. Each
-- candidate lists what it offers a partner as keys 'program|role|topic' (topics case-folded by the
-- service, exactly as scoring compares them); open places (active, room left) are indexed by them.
-- Rows from before this migration have no keys yet: the service fills them in at start, and until
-- then they are read as possibly fitting anyone (never missed).
ALTER TABLE candidates ADD COLUMN slots text[];
CREATE INDEX candidates_open_slots ON candidates USING gin (slots) WHERE active AND used < capacity;
CREATE INDEX candidates_slots_unknown ON candidates (program_id) WHERE slots IS NULL;
-- A person's excluded partners, from either side of the pair.
CREATE INDEX excluded_pairs_high ON excluded_pairs (participant_high);
