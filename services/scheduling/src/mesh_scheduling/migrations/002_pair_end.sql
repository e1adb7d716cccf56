-- A pair whose match ended gets no new sessions; its upcoming ones are cancelled.
ALTER TABLE pairs ADD COLUMN ended_at timestamptz;
ALTER TABLE sessions DROP CONSTRAINT sessions_status_check;
ALTER TABLE sessions ADD CONSTRAINT sessions_status_check CHECK (status IN ('scheduled', 'completed', 'cancelled'));
