-- Row-level security: one rule for every table that holds an institution's rows, applied by
-- mesh_secure_by_institution (below) as:
--   ALTER TABLE t ENABLE ROW LEVEL SECURITY; ALTER TABLE t FORCE ROW LEVEL SECURITY;
--   CREATE POLICY tenant ON t USING (mesh_tenant_visible(institution)) WITH CHECK (mesh_tenant_writable(institution));
-- A transaction sets mesh.institution (mesh_runtime.db.Database.transaction); one that sets nothing
-- sees and writes nothing, so a query that forgets its institution filter still stays in its tenant.
-- A plain SQL function: the planner inlines it, so indexes on institution still serve.
CREATE FUNCTION mesh_tenant_visible(row_institution text) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce(current_setting('mesh.institution', true), '') IN (row_institution, '*')
$$;

-- Writes name one real institution: a sweep across every tenant cannot create a row that all could
-- see, nor can a connection whose setting was reset to '' after an earlier transaction.
CREATE FUNCTION mesh_tenant_writable(row_institution text) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT row_institution NOT IN ('*', '') AND coalesce(current_setting('mesh.institution', true), '') IN (row_institution, '*')
$$;

-- Makes a table one institution's per row: the column (rows from before identity go to 'unassigned',
-- which no token names; new rows take the transaction's institution), its index, and the policy.
CREATE FUNCTION mesh_secure_by_institution(target regclass) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = target AND attname = 'institution' AND NOT attisdropped) THEN
        EXECUTE format('ALTER TABLE %s ADD COLUMN institution text', target);
        EXECUTE format('UPDATE %s SET institution = %L', target, 'unassigned');
    END IF;
    EXECUTE format('ALTER TABLE %s ALTER COLUMN institution SET NOT NULL, '
                   'ALTER COLUMN institution SET DEFAULT current_setting(%L)', target, 'mesh.institution');
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', target);
    EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', target);
    EXECUTE format('CREATE POLICY tenant ON %s USING (mesh_tenant_visible(institution)) '
                   'WITH CHECK (mesh_tenant_writable(institution))', target);
END
$$;
