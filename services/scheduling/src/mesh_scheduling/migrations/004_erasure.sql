-- Who was erased (ids only): events about them that arrive after their erasure, on other topics and
-- so in no fixed order with it, are stripped on the way in as well.
CREATE TABLE erased_participants (
    participant_id uuid PRIMARY KEY,
    erased_at      timestamptz NOT NULL
);
SELECT mesh_secure_by_institution('erased_participants');
