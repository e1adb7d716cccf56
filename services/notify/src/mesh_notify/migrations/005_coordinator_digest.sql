-- Coordinators who asked for a daily digest: their account, where to write, when, and the campuses
-- and programs their token named when they subscribed (what the digest covers).
CREATE TABLE coordinator_digests (
    subject      text NOT NULL,
    email        text NOT NULL,
    time_zone    text NOT NULL,
    hour         integer NOT NULL CHECK (hour BETWEEN 0 AND 23),
    campuses     text[] NOT NULL,
    programs     text[] NOT NULL DEFAULT '{}',
    last_sent_on date,
    expires_on   date NOT NULL,  -- asking again renews it: access copied from a token does not last for ever
    updated_at   timestamptz NOT NULL DEFAULT now()
);
SELECT mesh_secure_by_institution('coordinator_digests');
ALTER TABLE coordinator_digests ADD PRIMARY KEY (institution, subject);  -- an account is one institution's
CREATE INDEX notifications_recent_by_campus ON notifications (institution, campus, created_at);
