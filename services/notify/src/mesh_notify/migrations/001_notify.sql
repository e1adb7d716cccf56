-- Notify's own view of how to reach participants, from ParticipantJoined.
CREATE TABLE contacts (
    participant_id uuid PRIMARY KEY,
    display_name   text NOT NULL,
    email          text NOT NULL,
    time_zone      text NOT NULL
);

CREATE TABLE notifications (
    notification_id    uuid PRIMARY KEY,
    recipient_id       uuid NOT NULL,
    template           text NOT NULL,
    context            jsonb NOT NULL,
    caused_by_event_id uuid NOT NULL,
    correlation_id     uuid NOT NULL,
    status             text NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts           integer NOT NULL DEFAULT 0,
    next_attempt_at    timestamptz,
    last_error         text,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (caused_by_event_id, recipient_id, template)
);
CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE status = 'pending';
CREATE INDEX notifications_recipient ON notifications (recipient_id, created_at);
