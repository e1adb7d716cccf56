-- Erasure: a participant's personal data is removed on request; what stays is anonymous (program,
-- campus, roles, dates) so program statistics stay right. Each erasure records who asked, when, and
-- which services have confirmed theirs.
ALTER TABLE participants DROP CONSTRAINT participants_status_check;
ALTER TABLE participants ADD CONSTRAINT participants_status_check CHECK (status IN ('active', 'left', 'erased'));
ALTER TABLE participants ADD COLUMN erased_at timestamptz;

CREATE TABLE erasures (
    participant_id uuid PRIMARY KEY REFERENCES participants (participant_id),
    institution    text NOT NULL,
    requested_at   timestamptz NOT NULL,
    requested_by   text NOT NULL,  -- 'participant' (they asked themself), or the admin's account id
    requester_digest text NOT NULL,  -- SHA-256 of the requester's account id: lets them follow it, names nobody
    confirmations  jsonb NOT NULL DEFAULT '{}'  -- service -> when it confirmed
);
SELECT mesh_secure_by_institution('erasures');
