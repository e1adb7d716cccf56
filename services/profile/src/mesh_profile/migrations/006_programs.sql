-- Programs become their own resource: created, changed and closed by their institution's staff, with
-- the rules of who may join. Programs claimed by a first join before this keep their id and get a
-- definition from their participants (an admin may then change it).
ALTER TABLE programs
    ADD COLUMN definition    jsonb,
    ADD COLUMN coordinators  text[] NOT NULL DEFAULT '{}',
    ADD COLUMN status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    ADD COLUMN created_at    timestamptz,
    ADD COLUMN updated_at    timestamptz,
    ADD COLUMN closed_at     timestamptz,
    ADD COLUMN closed_reason text,
    ADD COLUMN version       integer NOT NULL DEFAULT 1;

SELECT set_config('mesh.institution', '*', true);  -- the backfill reads and writes every institution's rows
UPDATE programs p SET
    created_at = p.claimed_at,
    updated_at = p.claimed_at,
    definition = jsonb_build_object(
        'name', p.program_id,
        'setting', coalesce((SELECT profile->>'program_setting' FROM participants WHERE program_id = p.program_id LIMIT 1),
                            'academic'),
        'campuses', coalesce((SELECT jsonb_agg(DISTINCT campus) FROM participants WHERE program_id = p.program_id),
                             '["main"]'::jsonb),
        'matching_mode', 'mentor_mentee');
ALTER TABLE programs ALTER COLUMN definition SET NOT NULL, ALTER COLUMN created_at SET NOT NULL,
                     ALTER COLUMN updated_at SET NOT NULL;
CREATE INDEX programs_listing ON programs (institution, status, program_id);

-- Capacity: how many active participants take each limited role; a join takes a seat in one short
-- row update (no count over the program), leaving gives it back.
CREATE TABLE program_seats (
    program_id  text NOT NULL REFERENCES programs (program_id),
    role        text NOT NULL CHECK (role IN ('mentor', 'mentee', 'peer')),
    most        integer NOT NULL CHECK (most >= 0),
    taken       integer NOT NULL DEFAULT 0 CHECK (taken >= 0),
    institution text NOT NULL,
    PRIMARY KEY (program_id, role)
);
SELECT mesh_secure_by_institution('program_seats');

-- A roster names people by the institution's own id (student or staff number): one person per id per program.
ALTER TABLE participants ADD COLUMN external_id text;
CREATE UNIQUE INDEX participants_program_external_id ON participants (program_id, external_id) WHERE external_id IS NOT NULL;
