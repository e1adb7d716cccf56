-- The inbox's order as a column of its own: when a notification was sent, else when it was planned.
-- Under row-level security a condition on COALESCE(...) is never used to search an index (the planner
-- cannot prove the expression leaks nothing, so it waits until after the tenant check); on a plain
-- column a page's bound is an index condition. Unread ones have an index in the same order: a page
-- of them, and their count, read only them.
ALTER TABLE notifications ADD COLUMN listed_at timestamptz GENERATED ALWAYS AS (coalesce(sent_at, created_at)) STORED;
CREATE INDEX notifications_inbox_in_order ON notifications (recipient_id, listed_at, template, notification_id);
CREATE INDEX notifications_unread_in_order ON notifications (recipient_id, listed_at, template, notification_id)
    WHERE status = 'sent' AND read_at IS NULL;
DROP INDEX notifications_inbox;
DROP INDEX notifications_unread;
