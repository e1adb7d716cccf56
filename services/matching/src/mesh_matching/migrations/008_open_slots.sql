-- Intake at scale: a join reads only the people who could fit it, never the whole pool. Each
-- candidate lists what it offers a partner as keys 'program|role|topic' (topics case-folded by the
-- service, exactly as scoring compares them). open_slots holds one row per key of every candidate
-- with room left, kept by a trigger as places are taken and freed; a join looks up the keys it needs.
-- (A table and a btree rather than a GIN index on the array: under row-level security only
-- leakproof operators reach an index, and array overlap is not one; text equality is.)
-- Rows from before this migration have no keys yet: the service fills them in at start, and until
-- then they are read as possibly fitting anyone (never missed).
ALTER TABLE candidates ADD COLUMN slots text[];
CREATE INDEX candidates_slots_unknown ON candidates (program_id) WHERE slots IS NULL;

CREATE TABLE open_slots (
    slot           text NOT NULL,
    participant_id uuid NOT NULL REFERENCES candidates (participant_id),
    institution    text NOT NULL,
    PRIMARY KEY (slot, participant_id)
);
CREATE INDEX open_slots_participant ON open_slots (participant_id);
SELECT mesh_secure_by_institution('open_slots');

CREATE FUNCTION candidates_keep_open_slots() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM open_slots WHERE participant_id = NEW.participant_id;
    IF NEW.active AND NEW.used < NEW.capacity AND NEW.slots IS NOT NULL THEN
        INSERT INTO open_slots (slot, participant_id, institution)
        SELECT DISTINCT unnest(NEW.slots), NEW.participant_id, NEW.institution;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER keep_open_slots AFTER INSERT OR UPDATE OF slots, used, capacity, active ON candidates
    FOR EACH ROW EXECUTE FUNCTION candidates_keep_open_slots();

-- A person's excluded partners, from either side of the pair.
CREATE INDEX excluded_pairs_high ON excluded_pairs (participant_high);
