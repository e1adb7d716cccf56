-- Tenancy: every candidate, match and policy is one institution's (mesh_secure_by_institution, in the
-- runtime's migrations); a candidate is someone's account, on a campus.
ALTER TABLE candidates ADD COLUMN subject text, ADD COLUMN campus text GENERATED ALWAYS AS (profile->>'campus') STORED;
-- A match's campuses: its pair's, as they were when it was proposed (backfilled before row security
-- is on: the migration names no tenant, so a secured table would read as empty).
ALTER TABLE matches ADD COLUMN campuses text[] NOT NULL DEFAULT '{}';
UPDATE matches m SET campuses = ARRAY[a.campus, b.campus] FROM candidates a, candidates b
WHERE a.participant_id = m.participant_a AND b.participant_id = m.participant_b;
SELECT mesh_secure_by_institution('candidates');
CREATE INDEX candidates_tenancy ON candidates (institution, program_id, campus);
SELECT mesh_secure_by_institution('matches');
CREATE INDEX matches_tenancy ON matches (institution, program_id);
CREATE INDEX matches_campuses ON matches USING gin (campuses);
SELECT mesh_secure_by_institution('program_policies');
ALTER TABLE program_policies DROP CONSTRAINT program_policies_pkey;
ALTER TABLE program_policies ADD PRIMARY KEY (institution, program_id, version);
