-- Proposals lapse at their expiry (MatchExpired) and give both participants' capacity back.
ALTER TABLE matches DROP CONSTRAINT matches_status_check;
ALTER TABLE matches ADD CONSTRAINT matches_status_check CHECK (status IN ('proposed', 'accepted', 'declined', 'expired'));
CREATE INDEX matches_open_by_expiry ON matches (expires_at) WHERE status = 'proposed';
