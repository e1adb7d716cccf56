-- After the match: agreements (versioned, each confirmed by the other one of the pair), sessions as
-- one recurring series (moved, cancelled with a reason, or missed), private calendar feeds.
ALTER TABLE pairs ADD COLUMN agreed jsonb;                 -- the confirmed agreement's terms for sessions
ALTER TABLE pairs ADD COLUMN series_start timestamptz;     -- the series' first occurrence (pairs from before: set
                                                           -- from their next completed session)
ALTER TABLE sessions ADD COLUMN revision integer NOT NULL DEFAULT 0 CHECK (revision >= 0);
ALTER TABLE sessions ADD COLUMN occurrence integer NOT NULL DEFAULT 0 CHECK (occurrence >= 0);
ALTER TABLE sessions ADD COLUMN cancelled_by uuid;
ALTER TABLE sessions ADD COLUMN cancel_reason text;        -- their words: never on an event
ALTER TABLE sessions ADD COLUMN proposed_move jsonb;       -- a new time waiting for the other one's confirmation
ALTER TABLE sessions ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE sessions DROP CONSTRAINT sessions_status_check;
ALTER TABLE sessions ADD CONSTRAINT sessions_status_check CHECK (status IN ('scheduled', 'completed', 'cancelled', 'missed'));
-- The sweep for missed sessions reads only sessions still scheduled, by their end.
CREATE INDEX sessions_scheduled_by_end ON sessions (ends_at) WHERE status = 'scheduled';

CREATE TABLE agreements (
    match_id     uuid NOT NULL REFERENCES pairs (match_id),
    version      integer NOT NULL CHECK (version >= 1),
    program_id   text NOT NULL,
    terms        jsonb NOT NULL,                           -- goals and expectations in the pair's words
    proposed_by  uuid NOT NULL,
    proposed_at  timestamptz NOT NULL,
    status       text NOT NULL CHECK (status IN ('proposed', 'confirmed', 'superseded')),
    confirmed_by uuid,
    confirmed_at timestamptz,
    PRIMARY KEY (match_id, version)
);
SELECT mesh_secure_by_institution('agreements');

-- Progress on each goal, recorded with a reflection.
CREATE TABLE goal_progress (
    session_id     uuid NOT NULL REFERENCES sessions (session_id),
    participant_id uuid NOT NULL,
    agreement_version integer NOT NULL,
    goal_number    integer NOT NULL CHECK (goal_number >= 1),
    percent        integer NOT NULL CHECK (percent BETWEEN 0 AND 100),
    recorded_at    timestamptz NOT NULL,
    PRIMARY KEY (session_id, participant_id, goal_number)
);
SELECT mesh_secure_by_institution('goal_progress');

-- A participant's private iCalendar feed: only a hash of its token is kept, so a copy of the
-- database opens no calendar; a new token revokes the old one.
CREATE TABLE calendar_feeds (
    participant_id uuid PRIMARY KEY,
    token_sha256   bytea NOT NULL UNIQUE,
    created_at     timestamptz NOT NULL
);
SELECT mesh_secure_by_institution('calendar_feeds');
