-- The audit trail read a filter at a time (GET /audit?action=&actor=&resource=&since=&until=), newest
-- first by when (then by id): each page is read along an index whose leading columns are the
-- filter's and whose next ones are the order (at, audit_id), so a page reads the entries it shows
-- and stops, however long the trail, and a time range is a range of that index, not a filter.
-- A prefix filter ('round.', 'program/') is an equality on the entry's first word: its action up
-- to the first '.', its resource up to the first '/' (null without one). Stored columns, not
-- index expressions: under row-level security a query may use an index only for its own columns
-- compared with leak-proof operators, and split_part or substring are not leak-proof.
ALTER TABLE mesh_audit
    ADD COLUMN action_family text GENERATED ALWAYS AS (substring(action FROM '^[^.]*\.')) STORED,
    ADD COLUMN resource_kind text GENERATED ALWAYS AS (substring(resource FROM '^[^/]*/')) STORED;

CREATE INDEX mesh_audit_newest ON mesh_audit (institution, at, audit_id);
DROP INDEX mesh_audit_recent;  -- (institution, at DESC): the index above serves all it did
CREATE INDEX mesh_audit_by_action ON mesh_audit (institution, action, at, audit_id);
CREATE INDEX mesh_audit_by_action_family ON mesh_audit (institution, action_family, at, audit_id)
    WHERE action_family IS NOT NULL;
CREATE INDEX mesh_audit_by_actor ON mesh_audit (institution, actor_subject, at, audit_id);
CREATE INDEX mesh_audit_by_resource ON mesh_audit (institution, resource, at, audit_id);
CREATE INDEX mesh_audit_by_resource_kind ON mesh_audit (institution, resource_kind, at, audit_id)
    WHERE resource_kind IS NOT NULL;
