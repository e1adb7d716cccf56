-- Each stored profile carries a version never given to any other (a random uuid, new on every
-- change), so the service can keep profiles it has decoded and know from the version alone that
-- the row still holds the same one, whichever database or replica it read it from: a join reads
-- its possible partners' ids and versions, and decodes only the profiles it has not seen.
ALTER TABLE candidates ADD COLUMN profile_version uuid NOT NULL DEFAULT gen_random_uuid();
