-- Roster imports a coordinator or admin started in the console: the file goes through profile's bulk
-- endpoint a batch at a time, and each batch's outcome is added here as it is acknowledged, so any
-- replica can show how far it got. An import belongs to its institution and program: staff of that
-- program see it, nobody else (every read filters by both). `heartbeat_at` is renewed while the
-- import runs; a running import whose heartbeat is older than a minute was cut short (the app
-- stopped) and is shown as interrupted. The file itself is never kept here.
CREATE TABLE roster_imports (
    import_id     uuid PRIMARY KEY,
    institution   text NOT NULL,
    program_id    text NOT NULL,
    uploaded_by   text NOT NULL,
    uploader_name text NOT NULL,
    file_name     text NOT NULL,
    file_format   text NOT NULL CHECK (file_format IN ('csv', 'jsonl')),
    file_bytes    bigint NOT NULL CHECK (file_bytes >= 0),
    sha256        text NOT NULL,
    status        text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed', 'stopped', 'interrupted')),
    reason_kind   text,
    reason        text,
    bytes_done    bigint NOT NULL DEFAULT 0,
    rows_read     integer NOT NULL DEFAULT 0,
    rows_sent     integer NOT NULL DEFAULT 0,
    new           integer NOT NULL DEFAULT 0,
    updated       integer NOT NULL DEFAULT 0,
    unchanged     integer NOT NULL DEFAULT 0,
    rejected      integer NOT NULL DEFAULT 0,
    started_at    timestamptz NOT NULL DEFAULT now(),
    heartbeat_at  timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz
);
-- A program's imports, newest first (its roster page lists the latest few).
CREATE INDEX roster_imports_program ON roster_imports (institution, program_id, started_at DESC);

-- Every row of an import that was not taken, by its line: what the file itself got wrong and what
-- profile rejected. The error report streams from here in line order.
CREATE TABLE roster_rejections (
    import_id   uuid NOT NULL REFERENCES roster_imports ON DELETE CASCADE,
    line        integer NOT NULL,
    external_id text NOT NULL,
    reason      text NOT NULL,
    PRIMARY KEY (import_id, line)
);
