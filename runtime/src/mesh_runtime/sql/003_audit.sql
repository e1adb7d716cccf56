-- The audit trail of coordinator and admin actions in this service: who (the account, its roles, the
-- client and the token's id), what, on which resource, when. One institution's rows are its own.
CREATE TABLE mesh_audit (
    audit_id       bigserial PRIMARY KEY,
    institution    text NOT NULL,
    at             timestamptz NOT NULL DEFAULT now(),
    actor_subject  text NOT NULL,
    actor_roles    text[] NOT NULL,
    client_id      text,
    token_id       text,
    action         text NOT NULL,
    resource       text NOT NULL,
    details        jsonb NOT NULL DEFAULT '{}',
    correlation_id uuid
);
CREATE INDEX mesh_audit_recent ON mesh_audit (institution, at DESC);
SELECT mesh_secure_by_institution('mesh_audit');
