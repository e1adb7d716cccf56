-- A candidate's stored profile holds only what scoring and suggestions read (security review M1):
-- the attributes that identify nobody, the name shown with a suggestion, and the four lists scoring
-- compares. An allow-list: whatever else profile sent (address, affiliation, year, department, a
-- program's own attributes, and any field added later) goes, erased or not. Versions change, so no
-- replica keeps a decode of what was there before.
SELECT set_config('mesh.institution', '*', true);  -- every institution's rows
UPDATE candidates SET profile_version = gen_random_uuid(), profile = (
    SELECT jsonb_object_agg(key, value) FROM jsonb_each(profile)
    WHERE key IN ('program_id', 'program_setting', 'campus', 'topics', 'languages', 'time_zone', 'weekly_availability',
                  'meeting_modes', 'preferred_cadence', 'mentor_capacity',
                  'display_name', 'experiences', 'goals', 'challenges', 'interests'));
