-- Who was erased (ids only), as scheduling and notify keep them: a retired event that carries the
-- profile itself (ParticipantJoinedV1, ParticipantProfileUpdatedV1) read after the erasure (a
-- dead-letter replay) neither stores them again nor proposes them.
CREATE TABLE erased_participants (
    participant_id uuid PRIMARY KEY,
    erased_at      timestamptz NOT NULL
);
SELECT mesh_secure_by_institution('erased_participants');

-- Those erased before this migration: their candidate row is anonymised ("Erased participant", no
-- account link) and withdrawn, as of the erasure.
SELECT set_config('mesh.institution', '*', true);  -- every institution's candidates
INSERT INTO erased_participants (participant_id, erased_at, institution)
SELECT participant_id, coalesce(left_at, now()), institution FROM candidates
WHERE profile->>'display_name' = 'Erased participant' AND subject IS NULL AND NOT active;
