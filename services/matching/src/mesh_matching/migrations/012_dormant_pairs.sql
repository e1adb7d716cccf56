-- Dormant pairs: a formed pair with no completed session for the days its program allows is found
-- dormant (MatchStalled), and ends after a grace period (MatchEnded, cause dormant) unless a session
-- is completed first. formed_at is when the second acceptance came, by the service's clock.
ALTER TABLE programs ADD COLUMN dormant_after_days integer NOT NULL DEFAULT 30 CHECK (dormant_after_days > 0),
                     ADD COLUMN dormant_grace_days integer NOT NULL DEFAULT 14 CHECK (dormant_grace_days > 0);
ALTER TABLE matches ADD COLUMN formed_at timestamptz,
                    -- set while the pair is dormant: when found, the last activity it was judged on, and when it ends
                    ADD COLUMN stalled_at timestamptz,
                    ADD COLUMN stalled_activity_at timestamptz,
                    ADD COLUMN stall_ends_at timestamptz,
                    ADD CONSTRAINT matches_stall_whole CHECK ((stalled_at IS NULL) = (stall_ends_at IS NULL)
                                                              AND (stalled_at IS NULL) = (stalled_activity_at IS NULL));
-- Formed before this migration: the acceptance was the last change a formed pair's row saw.
SELECT set_config('mesh.institution', '*', true);  -- the backfill reads and writes every institution's rows
UPDATE matches SET formed_at = updated_at WHERE status = 'accepted';
CREATE INDEX matches_formed_by_program ON matches (program_id) WHERE status = 'accepted';
CREATE INDEX pair_sessions_completed ON pair_sessions (match_id, completed_at) WHERE completed_at IS NOT NULL;
