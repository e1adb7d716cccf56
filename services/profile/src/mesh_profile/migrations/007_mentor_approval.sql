-- A program may ask a coordinator's approval before someone mentors (M8): until given, what is
-- published of them leaves their mentoring out. When it was given stays, so a later change needs none.
ALTER TABLE participants ADD COLUMN mentoring_pending boolean NOT NULL DEFAULT false;
ALTER TABLE participants ADD COLUMN mentoring_approved_at timestamptz;
