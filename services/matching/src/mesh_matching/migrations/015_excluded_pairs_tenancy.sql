-- Pairs never to propose again are an institution's rows like every other (security review L5): under
-- row-level security, each taking the institution of its participants' candidacy (both are in one).
SELECT set_config('mesh.institution', '*', true);  -- to read every institution's candidates
ALTER TABLE excluded_pairs ADD COLUMN institution text;
UPDATE excluded_pairs e SET institution = c.institution FROM candidates c WHERE c.participant_id = e.participant_low;
UPDATE excluded_pairs SET institution = 'unassigned' WHERE institution IS NULL;  -- candidates gone: no tenant's
SELECT mesh_secure_by_institution('excluded_pairs');
