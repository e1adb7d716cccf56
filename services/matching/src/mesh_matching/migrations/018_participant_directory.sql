-- The participants directory of the coordinators' console (adapters/directory_store.py): each
-- candidate's state kept on its row, their name as a key to sort and search by, and what a
-- participant's history needs of each match. Runs as the database's owner: unaccent is a trusted
-- extension (PostgreSQL 13+), which the owner of a database may create.
CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public;

-- A name as it sorts and is searched: compatibility forms folded (NFKC), accents gone, lower case.
-- The dictionary is named, so nothing a session sets changes the result (immutable, as a stored
-- column needs). Words: split on spaces and punctuation, ASCII's and the usual Unicode ones.
CREATE FUNCTION mesh_name_key(name text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT pg_catalog.lower(public.unaccent('public.unaccent'::regdictionary, normalize($1, NFKC)))
$$;
CREATE FUNCTION mesh_name_words(name_key text) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT word ORDER BY word), '{}')
    FROM pg_catalog.regexp_split_to_table($1 COLLATE "C", '[[:space:][:punct:]‘’‚‛“”„«»‹›·•–—‐‑―…、。，]+') AS word WHERE word <> ''
$$;

-- Sorted by the key then the id (byte order: the same on every server, whatever its locale); the
-- roles a participant takes in their topics, each once, in order.
CREATE FUNCTION mesh_roles(profile jsonb) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT topic->>'role' ORDER BY topic->>'role'), '{}')
    FROM jsonb_array_elements($1->'topics') AS topic
$$;
ALTER TABLE candidates ADD COLUMN name_key text COLLATE "C" NOT NULL
        GENERATED ALWAYS AS (mesh_name_key(coalesce(profile->>'display_name', ''))) STORED,
    ADD COLUMN roles text[] NOT NULL GENERATED ALWAYS AS (mesh_roles(profile)) STORED;

-- A participant's state, derived from their rows whenever a store method changes them (never
-- counted up or down: redelivered and reordered events leave the same state). One state each,
-- the first that holds: left (withdrawn or erased), proposed (an open proposal awaits an answer),
-- matched (in a formed pair that is not dormant), dormant (every formed pair of theirs is dormant),
-- waiting (none of these).
ALTER TABLE candidates ADD COLUMN state text NOT NULL DEFAULT 'waiting'
        CHECK (state IN ('waiting', 'proposed', 'matched', 'dormant', 'left')),
    ADD COLUMN left_at timestamptz;
CREATE FUNCTION mesh_participant_state(participant uuid, active boolean) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN NOT $2 THEN 'left'
                WHEN bool_or(open.status = 'proposed') THEN 'proposed'
                WHEN bool_or(open.stalled_at IS NULL) THEN 'matched'
                WHEN bool_or(open.stalled_at IS NOT NULL) THEN 'dormant'
                ELSE 'waiting' END
    FROM (SELECT m.status, m.stalled_at FROM matches m WHERE m.participant_a = $1 AND m.status IN ('proposed', 'accepted')
          UNION ALL
          SELECT m.status, m.stalled_at FROM matches m WHERE m.participant_b = $1 AND m.status IN ('proposed', 'accepted')) open
$$;

-- Each match's answers and close, by the service's clock: when each of the pair accepted (a's, b's),
-- who declined it, and when it was declined, lapsed or ended.
ALTER TABLE matches ADD COLUMN accepted_at_a timestamptz, ADD COLUMN accepted_at_b timestamptz,
                    ADD COLUMN declined_by uuid, ADD COLUMN closed_at timestamptz;

-- Each word of each name, to find people by the start of any word of their name: a table and a
-- btree, as open_slots (008), since under row-level security only leakproof operators (text
-- comparison is one; LIKE, pg_trgm's and array overlap are not) reach an index. Kept by a trigger
-- whenever a name changes (a join, a profile update, an erasure), like an index. With the whole
-- name's key and the tenant's column: a search reads its people in name order from the index alone.
CREATE TABLE candidate_name_words (
    program_id     text NOT NULL,
    word           text COLLATE "C" NOT NULL,
    name_key       text COLLATE "C" NOT NULL,
    participant_id uuid NOT NULL REFERENCES candidates (participant_id),
    institution    text NOT NULL,
    PRIMARY KEY (program_id, word, name_key, participant_id) INCLUDE (institution)
);
CREATE INDEX candidate_name_words_participant ON candidate_name_words (participant_id, word);
SELECT mesh_secure_by_institution('candidate_name_words');

CREATE FUNCTION candidates_keep_name_words() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.name_key = NEW.name_key AND OLD.program_id = NEW.program_id THEN
        RETURN NULL;
    END IF;
    DELETE FROM candidate_name_words WHERE participant_id = NEW.participant_id;
    INSERT INTO candidate_name_words (program_id, word, name_key, participant_id, institution)
    SELECT NEW.program_id, word, NEW.name_key, NEW.participant_id, NEW.institution
    FROM unnest(mesh_name_words(NEW.name_key)) AS word;
    RETURN NULL;
END
$$;
CREATE TRIGGER keep_name_words AFTER INSERT OR UPDATE OF profile, program_id ON candidates
    FOR EACH ROW EXECUTE FUNCTION candidates_keep_name_words();

-- A program's people in name order: all, per state, per campus, per campus and state, per role. A
-- page reads the rows it shows from the one that fits its filters (a coordinator of several
-- campuses: one per campus, merged), whatever the program holds.
CREATE INDEX candidates_directory ON candidates (program_id, name_key, participant_id);
CREATE INDEX candidates_directory_state ON candidates (program_id, state, name_key, participant_id);
CREATE INDEX candidates_directory_campus ON candidates (program_id, campus, name_key, participant_id);
CREATE INDEX candidates_directory_campus_state ON candidates (program_id, campus, state, name_key, participant_id);
CREATE INDEX candidates_directory_mentors ON candidates (program_id, name_key, participant_id) WHERE 'mentor' = ANY (roles);
CREATE INDEX candidates_directory_mentees ON candidates (program_id, name_key, participant_id) WHERE 'mentee' = ANY (roles);
CREATE INDEX candidates_directory_peers ON candidates (program_id, name_key, participant_id) WHERE 'peer' = ANY (roles);

-- Backfill, across every institution.
SELECT set_config('mesh.institution', '*', true);
INSERT INTO candidate_name_words (program_id, word, name_key, participant_id, institution)
SELECT c.program_id, word, c.name_key, c.participant_id, c.institution
FROM candidates c, unnest(mesh_name_words(c.name_key)) AS word;
-- A match's last change before this migration was its close (as 012 took it for formed_at).
UPDATE matches SET closed_at = updated_at WHERE status IN ('declined', 'expired', 'ended');
-- Who declined: the one who left, where their leaving closed it; else the one of the pair who had not
-- accepted, where only one had (otherwise not known).
UPDATE matches m SET declined_by = c.participant_id FROM candidates c
WHERE m.status = 'declined' AND NOT c.active AND c.participant_id IN (m.participant_a, m.participant_b)
  AND m.closing_reason IN ('participant left the program', 'participant''s data was erased');
UPDATE matches m SET declined_by = CASE WHEN m.participant_a = ANY(m.accepted_by) THEN m.participant_b ELSE m.participant_a END
WHERE m.status = 'declined' AND m.declined_by IS NULL AND cardinality(m.accepted_by) = 1;
-- A participant's request was their acceptance, when they asked.
UPDATE matches SET accepted_at_a = proposed_at WHERE NOT capacity_reserved AND status = 'proposed' AND participant_a = ANY(accepted_by);
UPDATE matches SET accepted_at_b = proposed_at WHERE NOT capacity_reserved AND status = 'proposed' AND participant_b = ANY(accepted_by);
UPDATE candidates c SET state = mesh_participant_state(c.participant_id, c.active)
WHERE c.state <> mesh_participant_state(c.participant_id, c.active);
-- Those who left: when their last match closed because they did (unknown if they had none open).
UPDATE candidates c SET left_at = (
    SELECT max(m.closed_at) FROM matches m
    WHERE c.participant_id IN (m.participant_a, m.participant_b)
      AND m.closing_reason IN ('participant left the program', 'participant''s data was erased'))
WHERE NOT c.active;
