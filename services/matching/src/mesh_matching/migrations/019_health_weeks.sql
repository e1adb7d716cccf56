-- Program health kept as it happens, so that no read scans a program's people, pairs or sessions:
-- the coordinators' console reads per program and campus (and the institution's roll-up, every
-- program at once) from a few counted rows whatever the number of participants.
--
-- Every count is the sum of a function of the current rows (health_*_measures below): a trigger
-- adds f(new row) - f(old row) whenever a row changes, so a redelivered event (no change) adds
-- nothing and reordered events end at the same sum; the backfill is that same sum over the rows
-- already here. Triggers rather than store code: every path that changes a row (joins, rounds,
-- requests, manual matches, answers, expiry, dormancy, leaving, erasure) keeps the figures.
--
-- The changes go first to health_deltas (inserts only: nothing shared is locked while the
-- transaction runs), then are added to health_counts at commit by a deferred trigger, in key order:
-- counters are locked last and briefly, in one order, so counting adds no deadlock to any path.
SELECT set_config('mesh.institution', '*', true);  -- the backfill reads and writes every institution's rows

-- What health shows of a program's definition (ProgramCreated, ProgramUpdated): its name, its terms.
ALTER TABLE programs ADD COLUMN name text, ADD COLUMN terms jsonb NOT NULL DEFAULT '[]';
-- Who declined a proposal and when a match closed (by the service's clock), as 018 keeps them.
ALTER TABLE matches ADD COLUMN IF NOT EXISTS declined_by uuid, ADD COLUMN IF NOT EXISTS closed_at timestamptz;

-- Each participant as health counts them, kept from their candidate row and their matches' rows.
CREATE TABLE health_people (
    participant_id       uuid PRIMARY KEY REFERENCES candidates (participant_id),
    institution          text NOT NULL,
    program_id           text NOT NULL,
    campus               text,
    joined_at            timestamptz,
    active               boolean NOT NULL,
    has_room             boolean NOT NULL,
    open_matches         integer NOT NULL DEFAULT 0,  -- proposed or formed
    active_pairs         integer NOT NULL DEFAULT 0,  -- formed, not dormant
    first_proposed_at    timestamptz,                 -- their first proposal's (any status)
    ever_matched         boolean NOT NULL DEFAULT false,
    first_session_at     timestamptz,                 -- the earliest start of any session of theirs
    last_closed_at       timestamptz,                 -- when a proposal or pair of theirs last closed
    declines             integer NOT NULL DEFAULT 0,  -- proposals they declined while in the program
    last_declined_at     timestamptz,
    declined_by_partners integer NOT NULL DEFAULT 0,  -- their proposals the other declined (not by leaving)
    waiting              boolean GENERATED ALWAYS AS (active AND has_room AND open_matches = 0) STORED,
    -- waiting since: the later of joining and the close of their last proposal or pair
    waiting_since        timestamptz GENERATED ALWAYS AS (
        CASE WHEN active AND has_room AND open_matches = 0 THEN greatest(joined_at, last_closed_at) END) STORED
);
SELECT mesh_secure_by_institution('health_people');
-- The attention lists: each reads the rows it shows, in order, per campus.
CREATE INDEX health_people_waiting ON health_people (institution, program_id, campus, waiting_since, participant_id)
    WHERE waiting;
CREATE INDEX health_people_declining ON health_people (institution, program_id, campus, declines DESC,
                                                       last_declined_at DESC, participant_id) WHERE active AND declines >= 3;

-- Completed sessions per pair and week (Monday, UTC): a pair met in a week when this is above 0.
CREATE TABLE health_pair_weeks (
    match_id      uuid NOT NULL,
    week_starting date NOT NULL,
    institution   text NOT NULL,
    program_id    text NOT NULL,
    campuses      text[] NOT NULL DEFAULT '{}',
    sessions      integer NOT NULL,
    PRIMARY KEY (match_id, week_starting)
);
SELECT mesh_secure_by_institution('health_pair_weeks');

-- The counts: per program, per campus and '*' (the program's campuses together: each person, pair
-- and session once), a measure and its amount; dated ones by UTC day (weekly ones by the Monday).
CREATE TABLE health_counts (
    institution text NOT NULL,
    program_id  text NOT NULL,
    campus      text NOT NULL,
    measure     text NOT NULL,
    amount      numeric NOT NULL,
    PRIMARY KEY (institution, program_id, campus, measure)
);
SELECT mesh_secure_by_institution('health_counts');
CREATE TABLE health_counts_by_date (
    institution text NOT NULL,
    program_id  text NOT NULL,
    measure     text NOT NULL,
    on_date     date NOT NULL,
    campus      text NOT NULL,
    amount      numeric NOT NULL,
    PRIMARY KEY (institution, program_id, measure, on_date, campus)
);
SELECT mesh_secure_by_institution('health_counts_by_date');
CREATE INDEX health_counts_by_date_institution ON health_counts_by_date (institution, measure, on_date);

-- A transaction's changes to the counts, until its commit adds them up (never seen by another).
CREATE TABLE health_deltas (
    txid        xid8 NOT NULL DEFAULT pg_current_xact_id(),
    institution text NOT NULL,
    program_id  text NOT NULL,
    campus      text NOT NULL,
    measure     text NOT NULL,
    on_date     date,
    amount      numeric NOT NULL,
    fold        boolean NOT NULL DEFAULT false  -- the transaction's first: its commit adds them all up
);
SELECT mesh_secure_by_institution('health_deltas');
CREATE INDEX health_deltas_transaction ON health_deltas (txid);

-- Where a row counts: each of its campuses once, and '*'.
CREATE FUNCTION health_campuses(campuses text[]) RETURNS SETOF text LANGUAGE sql IMMUTABLE AS $$
    SELECT DISTINCT c FROM unnest(campuses) AS c WHERE c IS NOT NULL AND c <> '*' UNION ALL SELECT '*'
$$;
CREATE FUNCTION health_day(at timestamptz) RETURNS date LANGUAGE sql IMMUTABLE AS $$
    SELECT (at AT TIME ZONE 'UTC')::date
$$;
CREATE FUNCTION health_week(at timestamptz) RETURNS date LANGUAGE sql IMMUTABLE AS $$
    SELECT date_trunc('week', at AT TIME ZONE 'UTC')::date
$$;
-- How a pair ended, in categories that quote nobody (a reason in a person's words stays unread).
CREATE FUNCTION health_ended_category(reason text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN reason = 'participant left the program' THEN 'participant left'
                WHEN reason LIKE 'the program closed%' THEN 'program closed'
                WHEN reason LIKE 'the pair lay dormant%' THEN 'dormant'
                ELSE 'ended by the pair or a coordinator' END
$$;

-- What each row adds to the figures.
CREATE FUNCTION health_person_measures(p health_people) RETURNS TABLE (measure text, amount numeric)
LANGUAGE sql STABLE AS $$
    SELECT v.measure, v.amount FROM (VALUES
        ('joined', 1::numeric),
        ('waiting', p.waiting::int),
        ('funnel_proposed', (p.first_proposed_at IS NOT NULL)::int),
        ('funnel_matched', p.ever_matched::int),
        ('funnel_active', (p.active_pairs > 0)::int),
        ('first_proposal_people', (p.first_proposed_at IS NOT NULL AND p.joined_at IS NOT NULL)::int),
        ('first_proposal_seconds', coalesce(extract(epoch FROM p.first_proposed_at - p.joined_at), 0)),
        ('first_session_people', (p.first_session_at IS NOT NULL AND p.joined_at IS NOT NULL)::int),
        ('first_session_seconds', coalesce(extract(epoch FROM p.first_session_at - p.joined_at), 0)),
        ('declined_often', (p.active AND p.declines >= 3)::int)
    ) AS v (measure, amount) WHERE v.amount <> 0
$$;
CREATE FUNCTION health_pair_measures(m matches) RETURNS TABLE (measure text, amount numeric) LANGUAGE sql STABLE AS $$
    SELECT v.measure, v.amount FROM (VALUES
        ('proposed', (m.status = 'proposed')::int::numeric),
        ('matched', (m.status IN ('accepted', 'ended'))::int),
        ('active_pairs', (m.status = 'accepted' AND m.stalled_at IS NULL)::int),
        ('dormant_pairs', (m.status = 'accepted' AND m.stalled_at IS NOT NULL)::int),
        ('ended:' || health_ended_category(m.closing_reason), (m.status = 'ended')::int)
    ) AS v (measure, amount) WHERE v.amount <> 0
$$;
-- A session is due once it started (or was completed) unless cancelled; pending: not yet completed.
CREATE FUNCTION health_session_measures(s pair_sessions) RETURNS TABLE (measure text, on_date date, amount numeric)
LANGUAGE sql STABLE AS $$
    SELECT v.measure, v.on_date, v.amount FROM (VALUES
        ('sessions_completed', NULL::date, (s.completed_at IS NOT NULL)::int::numeric),
        ('sessions_reflected', NULL, (s.completed_at IS NOT NULL AND s.reflections > 0)::int),
        ('sessions_due_done', NULL, (s.completed_at IS NOT NULL AND s.cancelled_at IS NULL)::int),
        ('sessions_pending', NULL, (s.completed_at IS NULL AND s.cancelled_at IS NULL AND s.starts_at IS NOT NULL)::int),
        ('reflections', NULL, s.reflections),
        ('rating_sum', NULL, s.rating_sum),
        ('sessions_completed', health_day(s.completed_at), (s.completed_at IS NOT NULL)::int),
        ('sessions_pending', health_day(s.starts_at),
         (s.completed_at IS NULL AND s.cancelled_at IS NULL AND s.starts_at IS NOT NULL)::int)
    ) AS v (measure, on_date, amount) WHERE v.amount <> 0
$$;

-- The counts recounted from the rows: the backfill, and what the counters must always equal.
CREATE VIEW health_counts_recounted WITH (security_invoker = true) AS
SELECT institution, program_id, campus, measure, on_date, sum(amount) AS amount FROM (
    SELECT p.institution, p.program_id, c.campus, m.measure, NULL::date AS on_date, m.amount
    FROM health_people p CROSS JOIN LATERAL health_person_measures(p) m
    CROSS JOIN LATERAL health_campuses(ARRAY[p.campus]) AS c (campus)
    UNION ALL
    SELECT x.institution, x.program_id, c.campus, m.measure, NULL, m.amount
    FROM matches x CROSS JOIN LATERAL health_pair_measures(x) m CROSS JOIN LATERAL health_campuses(x.campuses) AS c (campus)
    UNION ALL
    SELECT s.institution, s.program_id, c.campus, m.measure, m.on_date, m.amount
    FROM pair_sessions s LEFT JOIN matches x ON x.match_id = s.match_id
    CROSS JOIN LATERAL health_session_measures(s) m CROSS JOIN LATERAL health_campuses(x.campuses) AS c (campus)
    UNION ALL
    SELECT w.institution, w.program_id, c.campus, 'pairs_met', w.week_starting, 1
    FROM health_pair_weeks w CROSS JOIN LATERAL health_campuses(w.campuses) AS c (campus) WHERE w.sessions > 0
) counted GROUP BY 1, 2, 3, 4, 5 HAVING sum(amount) <> 0;

-- Each participant recounted from their rows (the backfill). Declines before this migration: those
-- not closed by the decliner's leaving (its reason) and, for their partners', nor by an erasure.
CREATE VIEW health_people_recounted WITH (security_invoker = true) AS
WITH sides AS (  -- each match once from each of its two people's side
    SELECT x.participant_a AS person, x.* FROM matches x UNION ALL SELECT x.participant_b, x.* FROM matches x
), first_sessions AS (
    SELECT sides.person, min(s.starts_at) AS at FROM sides JOIN pair_sessions s ON s.match_id = sides.match_id
    GROUP BY sides.person
)
SELECT c.participant_id, c.institution, c.program_id, c.campus, c.joined_at, c.active, c.used < c.capacity AS has_room,
       count(m.match_id) FILTER (WHERE m.status IN ('proposed', 'accepted'))::int AS open_matches,
       count(m.match_id) FILTER (WHERE m.status = 'accepted' AND m.stalled_at IS NULL)::int AS active_pairs,
       min(m.proposed_at) AS first_proposed_at,
       coalesce(bool_or(m.status IN ('accepted', 'ended')), false) AS ever_matched,
       min(f.at) AS first_session_at,
       max(coalesce(m.closed_at, m.updated_at)) FILTER (WHERE m.status IN ('declined', 'expired', 'ended')) AS last_closed_at,
       count(m.match_id) FILTER (WHERE m.declined_by = c.participant_id
                                 AND m.closing_reason IS DISTINCT FROM 'participant left the program')::int AS declines,
       max(coalesce(m.closed_at, m.updated_at)) FILTER (WHERE m.declined_by = c.participant_id AND m.closing_reason
                                                         IS DISTINCT FROM 'participant left the program') AS last_declined_at,
       count(m.match_id) FILTER (WHERE m.declined_by <> c.participant_id AND (
           m.closing_reason NOT IN ('participant left the program', 'participant''s data was erased')
           OR m.closing_reason IS NULL AND d.active))::int AS declined_by_partners
FROM candidates c LEFT JOIN sides m ON m.person = c.participant_id
LEFT JOIN candidates d ON d.participant_id = m.declined_by
LEFT JOIN first_sessions f ON f.person = c.participant_id
GROUP BY c.participant_id;

INSERT INTO health_people (participant_id, institution, program_id, campus, joined_at, active, has_room, open_matches,
                           active_pairs, first_proposed_at, ever_matched, first_session_at, last_closed_at, declines,
                           last_declined_at, declined_by_partners)
SELECT * FROM health_people_recounted;
INSERT INTO health_pair_weeks (match_id, week_starting, institution, program_id, campuses, sessions)
SELECT s.match_id, health_week(s.completed_at), s.institution, min(s.program_id), coalesce(min(x.campuses), '{}'), count(*)
FROM pair_sessions s LEFT JOIN matches x ON x.match_id = s.match_id WHERE s.completed_at IS NOT NULL
GROUP BY s.match_id, health_week(s.completed_at), s.institution;
INSERT INTO health_counts (institution, program_id, campus, measure, amount)
SELECT institution, program_id, campus, measure, amount FROM health_counts_recounted WHERE on_date IS NULL;
INSERT INTO health_counts_by_date (institution, program_id, measure, on_date, campus, amount)
SELECT institution, program_id, measure, on_date, campus, amount FROM health_counts_recounted WHERE on_date IS NOT NULL;

-- From here on, as rows change ---------------------------------------------------------------

-- The first change a transaction makes is marked: its commit (a deferred trigger) adds them all up.
-- A change undone with its savepoint takes its mark along (the setting is undone too).
CREATE FUNCTION health_first_of_transaction() RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    IF current_setting('mesh.health_fold', true) = pg_current_xact_id()::text THEN
        RETURN false;
    END IF;
    PERFORM set_config('mesh.health_fold', pg_current_xact_id()::text, true);
    RETURN true;
END
$$;
ALTER TABLE health_deltas ALTER COLUMN fold SET DEFAULT health_first_of_transaction();

-- At commit: this transaction's changes, summed per counter, added in key order, then gone. It
-- reads them under every institution (a transaction may have acted in several), then acts again
-- in the institution it was in.
CREATE FUNCTION health_add_up() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    acting_in text := current_setting('mesh.institution', true);
BEGIN
    PERFORM set_config('mesh.institution', '*', true);
    INSERT INTO health_counts AS h (institution, program_id, campus, measure, amount)
    SELECT institution, program_id, campus, measure, sum(amount) FROM health_deltas
    WHERE txid = NEW.txid AND on_date IS NULL
    GROUP BY 1, 2, 3, 4 HAVING sum(amount) <> 0 ORDER BY 1, 2, 3, 4
    ON CONFLICT (institution, program_id, campus, measure) DO UPDATE SET amount = h.amount + excluded.amount;
    INSERT INTO health_counts_by_date AS h (institution, program_id, measure, on_date, campus, amount)
    SELECT institution, program_id, measure, on_date, campus, sum(amount) FROM health_deltas
    WHERE txid = NEW.txid AND on_date IS NOT NULL
    GROUP BY 1, 2, 3, 4, 5 HAVING sum(amount) <> 0 ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (institution, program_id, measure, on_date, campus) DO UPDATE SET amount = h.amount + excluded.amount;
    DELETE FROM health_deltas WHERE txid = NEW.txid;
    PERFORM set_config('mesh.health_fold', '', true);  -- a change after this (SET CONSTRAINTS ... IMMEDIATE) is marked again
    PERFORM set_config('mesh.institution', coalesce(acting_in, ''), true);
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER add_up_health AFTER INSERT ON health_deltas DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (NEW.fold) EXECUTE FUNCTION health_add_up();

-- A candidate row: their place in health_people.
CREATE FUNCTION health_follow_candidate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO health_people AS p (participant_id, institution, program_id, campus, joined_at, active, has_room)
    VALUES (NEW.participant_id, NEW.institution, NEW.program_id, NEW.campus, NEW.joined_at, NEW.active,
            NEW.used < NEW.capacity)
    ON CONFLICT (participant_id) DO UPDATE SET campus = excluded.campus, active = excluded.active, has_room = excluded.has_room
    WHERE (p.campus, p.active, p.has_room) IS DISTINCT FROM (excluded.campus, excluded.active, excluded.has_room);
    RETURN NULL;
END
$$;
CREATE TRIGGER keep_health_people AFTER INSERT OR UPDATE OF active, used, capacity, profile ON candidates
    FOR EACH ROW EXECUTE FUNCTION health_follow_candidate();

-- A participant's row changed: what they add to their campus and '*' changes with it.
CREATE FUNCTION health_count_person() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO health_deltas (institution, program_id, campus, measure, amount)
    SELECT NEW.institution, NEW.program_id, d.campus, d.measure, sum(d.amount) FROM (
        SELECT c.campus, m.measure, -m.amount AS amount
        FROM health_person_measures(OLD) m, health_campuses(ARRAY[OLD.campus]) AS c (campus) WHERE TG_OP = 'UPDATE'
        UNION ALL
        SELECT c.campus, m.measure, m.amount FROM health_person_measures(NEW) m, health_campuses(ARRAY[NEW.campus]) AS c (campus)
    ) d GROUP BY d.campus, d.measure HAVING sum(d.amount) <> 0;
    RETURN NULL;
END
$$;
CREATE TRIGGER count_health_people AFTER INSERT OR UPDATE ON health_people
    FOR EACH ROW EXECUTE FUNCTION health_count_person();

-- A match proposed or changed: the pair's figures, and each of the two people's.
CREATE FUNCTION health_follow_match() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    was_open boolean := TG_OP = 'UPDATE' AND OLD.status IN ('proposed', 'accepted');
    was_active boolean := TG_OP = 'UPDATE' AND OLD.status = 'accepted' AND OLD.stalled_at IS NULL;
    is_open boolean := NEW.status IN ('proposed', 'accepted');
    is_active boolean := NEW.status = 'accepted' AND NEW.stalled_at IS NULL;
    closed_now timestamptz := CASE WHEN was_open AND NOT is_open THEN coalesce(NEW.closed_at, NEW.updated_at) END;
    -- a decline counts once, when both its status and who declined are known, if they were still in the program
    decliner uuid := CASE WHEN NEW.status = 'declined' AND NEW.declined_by IS NOT NULL
                               AND (TG_OP = 'INSERT' OR OLD.status <> 'declined' OR OLD.declined_by IS NULL)
                          THEN NEW.declined_by END;
BEGIN
    IF decliner IS NOT NULL AND NOT coalesce((SELECT active FROM health_people WHERE participant_id = decliner), false) THEN
        decliner := NULL;  -- closed because they left or were erased: not a decline
    END IF;
    INSERT INTO health_deltas (institution, program_id, campus, measure, amount)
    SELECT NEW.institution, NEW.program_id, d.campus, d.measure, sum(d.amount) FROM (
        SELECT c.campus, m.measure, -m.amount AS amount
        FROM health_pair_measures(OLD) m, health_campuses(OLD.campuses) AS c (campus) WHERE TG_OP = 'UPDATE'
        UNION ALL
        SELECT c.campus, m.measure, m.amount FROM health_pair_measures(NEW) m, health_campuses(NEW.campuses) AS c (campus)
    ) d GROUP BY d.campus, d.measure HAVING sum(d.amount) <> 0;
    UPDATE health_people p SET
        open_matches = p.open_matches + is_open::int - was_open::int,
        active_pairs = p.active_pairs + is_active::int - was_active::int,
        first_proposed_at = least(p.first_proposed_at, NEW.proposed_at),
        ever_matched = p.ever_matched OR NEW.status IN ('accepted', 'ended'),
        last_closed_at = greatest(p.last_closed_at, closed_now),
        declines = p.declines + coalesce(p.participant_id = decliner, false)::int,
        last_declined_at = CASE WHEN p.participant_id = decliner
                                THEN greatest(p.last_declined_at, coalesce(NEW.closed_at, NEW.updated_at))
                                ELSE p.last_declined_at END,
        declined_by_partners = p.declined_by_partners + coalesce(p.participant_id <> decliner, false)::int
    WHERE p.participant_id IN (NEW.participant_a, NEW.participant_b);
    RETURN NULL;
END
$$;
-- (An erasure's redaction of a reason moves an ended pair to 'ended by the pair or a coordinator', as it reads then.)
CREATE TRIGGER count_health_matches AFTER INSERT OR UPDATE OF status, stalled_at, declined_by, closing_reason ON matches
    FOR EACH ROW EXECUTE FUNCTION health_follow_match();

-- A session scheduled, completed or cancelled: its figures on its pair's campuses, the week the
-- pair met, and each of the two people's first session.
CREATE FUNCTION health_follow_session() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    pair record;
    old_week date := CASE WHEN TG_OP = 'UPDATE' THEN health_week(OLD.completed_at) END;
    new_week date := health_week(NEW.completed_at);
BEGIN
    SELECT x.campuses, x.participant_a, x.participant_b INTO pair FROM matches x WHERE x.match_id = NEW.match_id;
    INSERT INTO health_deltas (institution, program_id, campus, measure, on_date, amount)
    SELECT NEW.institution, NEW.program_id, c.campus, d.measure, d.on_date, sum(d.amount) FROM (
        SELECT m.measure, m.on_date, -m.amount AS amount FROM health_session_measures(OLD) m WHERE TG_OP = 'UPDATE'
        UNION ALL
        SELECT m.measure, m.on_date, m.amount FROM health_session_measures(NEW) m
    ) d, health_campuses(pair.campuses) AS c (campus) GROUP BY c.campus, d.measure, d.on_date HAVING sum(d.amount) <> 0;
    IF old_week IS DISTINCT FROM new_week THEN
        UPDATE health_pair_weeks SET sessions = sessions - 1 WHERE match_id = NEW.match_id AND week_starting = old_week;
        IF new_week IS NOT NULL THEN
            INSERT INTO health_pair_weeks AS w (match_id, week_starting, institution, program_id, campuses, sessions)
            VALUES (NEW.match_id, new_week, NEW.institution, NEW.program_id, coalesce(pair.campuses, '{}'), 1)
            ON CONFLICT (match_id, week_starting) DO UPDATE SET sessions = w.sessions + 1;
        END IF;
    END IF;
    -- an earlier start is their first at once; a first session moved later is looked for again among their pairs
    UPDATE health_people p SET first_session_at = NEW.starts_at
    WHERE p.participant_id IN (pair.participant_a, pair.participant_b) AND NEW.starts_at IS NOT NULL
      AND (p.first_session_at IS NULL OR NEW.starts_at < p.first_session_at);
    IF TG_OP = 'UPDATE' AND OLD.starts_at IS NOT NULL AND (NEW.starts_at IS NULL OR NEW.starts_at > OLD.starts_at) THEN
        UPDATE health_people p SET first_session_at = (
            SELECT min(first.at) FROM (
                SELECT x.match_id FROM matches x WHERE x.participant_a = p.participant_id
                UNION ALL SELECT x.match_id FROM matches x WHERE x.participant_b = p.participant_id) theirs
            CROSS JOIN LATERAL (SELECT min(s.starts_at) AS at FROM pair_sessions s WHERE s.match_id = theirs.match_id) first)
        WHERE p.participant_id IN (pair.participant_a, pair.participant_b) AND p.first_session_at = OLD.starts_at;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER count_health_sessions AFTER INSERT OR UPDATE ON pair_sessions
    FOR EACH ROW EXECUTE FUNCTION health_follow_session();

-- A pair met in a week (a first completed session there), or no longer (its completion moved).
CREATE FUNCTION health_count_pair_week() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    change integer := (NEW.sessions > 0)::int - CASE WHEN TG_OP = 'UPDATE' THEN (OLD.sessions > 0)::int ELSE 0 END;
BEGIN
    IF change <> 0 THEN
        INSERT INTO health_deltas (institution, program_id, campus, measure, on_date, amount)
        SELECT NEW.institution, NEW.program_id, c.campus, 'pairs_met', NEW.week_starting, change
        FROM health_campuses(NEW.campuses) AS c (campus);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER count_health_pair_weeks AFTER INSERT OR UPDATE ON health_pair_weeks
    FOR EACH ROW EXECUTE FUNCTION health_count_pair_week();

-- The sessions still to come today, per program (the one part of "due" read from sessions: a day's).
CREATE INDEX pair_sessions_pending_by_start ON pair_sessions (institution, starts_at, program_id)
    WHERE completed_at IS NULL AND cancelled_at IS NULL;
-- The dormant pairs of a program, soonest to end first, with their campuses: read from the index alone
-- in its order (under row-level security a sort of every dormant pair would otherwise look as cheap).
CREATE INDEX matches_dormant_by_end ON matches (institution, program_id, stall_ends_at, match_id) INCLUDE (campuses)
    WHERE status = 'accepted' AND stalled_at IS NOT NULL;
