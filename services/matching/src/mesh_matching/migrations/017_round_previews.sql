-- Round previews as jobs: a coordinator previews a round, watches its progress, then publishes
-- exactly the pairs previewed. A row holds the job's progress, then what publishing needs (the
-- pairs' ids, the policy and week they were planned under, a digest of the pool they were planned
-- over) and the report a coordinator reads (figures, example pairs as ids, scores and parts: never
-- anyone's words, which are read from candidates when shown, so an erasure leaves nothing here).
CREATE TABLE round_previews (
    preview_id          uuid PRIMARY KEY,
    program_id          text NOT NULL,
    seq                 bigserial NOT NULL,  -- newest last, whatever the service's clock says
    mode                text NOT NULL CHECK (mode IN ('mentor_mentee', 'peer')),
    objective           text NOT NULL CHECK (objective IN ('score', 'coverage')),
    policy              jsonb NOT NULL,      -- the policy it is planned under
    candidate           boolean NOT NULL,    -- that policy is a coordinator's candidate, not saved
    policy_version      integer NOT NULL,    -- the program's current version when previewed (0: the default)
    status              text NOT NULL DEFAULT 'running'
                        CHECK (status IN ('running', 'ready', 'failed', 'published', 'stale', 'interrupted')),
    phase               text NOT NULL DEFAULT 'queued' CHECK (phase IN ('queued', 'reading', 'scoring', 'solving', 'ready')),
    done                integer NOT NULL DEFAULT 0,
    total               integer NOT NULL DEFAULT 0,
    started_at          timestamptz NOT NULL,  -- by the service's clock, as its overlaps are measured
    finished_at         timestamptz,
    -- The job's own sign of life, by the database's clock: a running row not touched for a minute
    -- belongs to a process that died (read as interrupted).
    heartbeat_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    pool_digest         text,
    report              jsonb,
    pair_first          uuid[],
    pair_second         uuid[],
    published_match_ids uuid[] NOT NULL DEFAULT '{}',
    published_at        timestamptz,
    error               text
);
SELECT mesh_secure_by_institution('round_previews');
-- Program first: row security's institution check is a filter, not an index condition.
CREATE INDEX round_previews_latest ON round_previews (program_id, seq DESC);
-- One preview runs at a time per program: nobody floods the solver, whatever races.
CREATE UNIQUE INDEX round_previews_one_running ON round_previews (program_id, institution) WHERE status = 'running';
