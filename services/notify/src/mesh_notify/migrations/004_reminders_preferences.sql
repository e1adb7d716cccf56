-- Reminders are notifications planned for a moment before a session: they name the session and the
-- revision they were planned for, and are cancelled (never sent) when the session moves or is cancelled.
ALTER TABLE notifications ADD COLUMN session_id uuid, ADD COLUMN session_revision integer;
ALTER TABLE notifications DROP CONSTRAINT notifications_status_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_status_check
    CHECK (status IN ('pending', 'sent', 'failed', 'cancelled'));
CREATE INDEX notifications_pending_by_session ON notifications (session_id) WHERE status = 'pending' AND session_id IS NOT NULL;

-- The latest word on each session notify has heard of: a reminder is planned only for it.
CREATE TABLE session_revisions (
    session_id uuid PRIMARY KEY,
    revision   integer NOT NULL,
    cancelled  boolean NOT NULL DEFAULT false
);
SELECT mesh_secure_by_institution('session_revisions');

-- What each participant wants to hear, per kind: on or off, and quiet hours in their own time zone.
CREATE TABLE notification_preferences (
    participant_id uuid NOT NULL,
    kind           text NOT NULL CHECK (kind IN ('matches', 'agreements', 'sessions', 'reminders', 'nudges')),
    enabled        boolean NOT NULL DEFAULT true,
    quiet_start    time,
    quiet_end      time,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (participant_id, kind),
    CHECK ((quiet_start IS NULL) = (quiet_end IS NULL) AND (quiet_start IS NULL OR quiet_start <> quiet_end))
);
SELECT mesh_secure_by_institution('notification_preferences');
