-- Each program's matching policy, versioned: a change is a new version, history is kept.
CREATE TABLE program_policies (
    program_id text NOT NULL,
    version    integer NOT NULL CHECK (version >= 1),
    policy     jsonb NOT NULL,
    set_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (program_id, version)
);
