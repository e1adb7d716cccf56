-- The tenant predicate, written so that the planner can estimate it (issue 32). As
-- coalesce(setting, '') IN (institution, '*') it was one opaque test per row, which the planner
-- guessed at 0.5 % of any table: a hot statement over 120 candidates was planned for one, and a join
-- over a program's pool for a handful. As an equality on the column, OR-ed with a test that does not
-- depend on the row, it is estimated from the column's statistics (one institution's share of the
-- table), and the sweep across all tenants ('*') still sees every row. Same meaning: an unset or
-- reset setting sees nothing (NULL or '' equals no institution, and neither is '*').
CREATE OR REPLACE FUNCTION mesh_tenant_visible(row_institution text) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT row_institution = current_setting('mesh.institution', true) OR current_setting('mesh.institution', true) = '*'
$$;
