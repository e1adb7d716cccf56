-- The in-app inbox: when each notification was sent (by the service's clock, as NotificationSent
-- says) and when its recipient read it. Only a sent one is read. Erasure keeps both, as the other
-- dates: they count for statistics and quote nobody.
ALTER TABLE notifications ADD COLUMN sent_at timestamptz, ADD COLUMN read_at timestamptz,
    ADD CONSTRAINT notifications_read_once_sent CHECK (read_at IS NULL OR status = 'sent');
-- Sent before this migration: the delivery was the last change a sent row saw.
SELECT set_config('mesh.institution', '*', true);  -- the backfill reads and writes every institution's rows
UPDATE notifications SET sent_at = updated_at WHERE status = 'sent';
-- A recipient's notifications are listed by when they were sent (when planned, for one not sent),
-- then template and id: a page starts after the last one of the page before and reads no more
-- rows than it shows, however long the inbox. It serves every look-up by recipient, as the index
-- it replaces did.
CREATE INDEX notifications_inbox ON notifications (recipient_id, (coalesce(sent_at, created_at)), template, notification_id);
DROP INDEX notifications_recipient;
-- What is unread is counted without reading the rest.
CREATE INDEX notifications_unread ON notifications (recipient_id) WHERE status = 'sent' AND read_at IS NULL;
