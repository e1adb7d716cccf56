-- Tenancy: every pair and session is one institution's (mesh_secure_by_institution, in the runtime's
-- migrations); new rows take the institution of the event that formed the pair.
-- A session's campuses: its pair's (backfilled before row security is on: the migration names no
-- tenant, so a secured table would read as empty).
ALTER TABLE sessions ADD COLUMN campuses text[] NOT NULL DEFAULT '{}';
UPDATE sessions s SET campuses = array(SELECT m->>'campus' FROM pairs p, jsonb_array_elements(p.members) m
                                      WHERE p.match_id = s.match_id);
SELECT mesh_secure_by_institution('pairs');
CREATE INDEX pairs_tenancy ON pairs (institution, program_id);
SELECT mesh_secure_by_institution('sessions');
CREATE INDEX sessions_tenancy ON sessions (institution, program_id);
CREATE INDEX sessions_campuses ON sessions USING gin (campuses);
