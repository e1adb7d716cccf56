ALTER TABLE participants ADD COLUMN status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'left'));
ALTER TABLE participants ADD COLUMN left_at timestamptz;
