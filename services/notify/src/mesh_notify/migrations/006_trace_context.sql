-- The W3C trace context of the event that caused a notification: its delivery continues that trace.
ALTER TABLE notifications ADD COLUMN trace_parent text;
