-- Admins list the institution's erasures (GET /erasures), newest first by when they were asked for
-- (then participant id), all of them or by state, a page at a time: each page walks an index whose
-- columns are the state, then that order, and stops at its last row, however many erasures there are.
-- Complete: every service that holds personal data has confirmed. The services are those of
-- mesh_profile.application.erase_participant.SERVICES_HOLDING_PERSONAL_DATA: a service added there is
-- added here by a migration that redefines this column.
ALTER TABLE erasures ADD COLUMN complete boolean
    GENERATED ALWAYS AS (confirmations ?& ARRAY['profile', 'matching', 'scheduling', 'notify']) STORED;

CREATE INDEX erasures_newest ON erasures (institution, requested_at, participant_id);
CREATE INDEX erasures_by_state ON erasures (institution, complete, requested_at, participant_id);
