-- A participant's own requests hold no places until the pair is formed.
ALTER TABLE matches ADD COLUMN capacity_reserved boolean NOT NULL DEFAULT true;
