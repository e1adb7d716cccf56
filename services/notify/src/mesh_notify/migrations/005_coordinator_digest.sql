-- Coordinators who asked for a daily digest: their account, where to write, when, and the campuses
-- and programs their token named when they subscribed (what the digest covers).
CREATE TABLE coordinator_digests (
    subject      text PRIMARY KEY,
    email        text NOT NULL,
    time_zone    text NOT NULL,
    hour         integer NOT NULL CHECK (hour BETWEEN 0 AND 23),
    campuses     text[] NOT NULL,
    programs     text[] NOT NULL DEFAULT '{}',
    last_sent_on date,
    updated_at   timestamptz NOT NULL DEFAULT now()
);
SELECT mesh_secure_by_institution('coordinator_digests');
CREATE INDEX notifications_recent_by_campus ON notifications (institution, campus, created_at);
