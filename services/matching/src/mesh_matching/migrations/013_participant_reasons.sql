-- A match's reasons as either of the pair may read them (security review M9): no quote of the
-- other's challenges, only how many both named, and of the rest only what both wrote. The full
-- reasons stay for the program's coordinators and admins.
ALTER TABLE matches ADD COLUMN participant_reasons jsonb NOT NULL DEFAULT '[]';
-- Proposed before this migration: the full reasons without the challenges (their count cannot be
-- read back from the joined text), the other shared items folded to lower case as the service shows them.
SELECT set_config('mesh.institution', '*', true);  -- the backfill reads and writes every institution's rows
UPDATE matches SET participant_reasons = coalesce(
    (SELECT jsonb_agg(CASE WHEN reason LIKE 'both share %: %' THEN lower(reason) ELSE reason END ORDER BY position)
     FROM jsonb_array_elements_text(reasons) WITH ORDINALITY AS quoted(reason, position)
     WHERE reason NOT LIKE 'both face the same challenges: %'), '[]')
WHERE reasons <> '[]';
