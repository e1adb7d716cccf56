-- Transactional outbox: written in the same transaction as the state change it reports.
CREATE TABLE mesh_outbox (
    id           bigserial PRIMARY KEY,
    event_id     uuid NOT NULL UNIQUE,
    event_type   text NOT NULL,
    topic        text NOT NULL,
    key          bytea NOT NULL,
    headers      jsonb NOT NULL,
    value        bytea NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz
);
CREATE INDEX mesh_outbox_unpublished ON mesh_outbox (id) WHERE published_at IS NULL;

-- Idempotent consumer: one row per event a consumer group has processed, written with its effects.
CREATE TABLE mesh_inbox (
    consumer_group text NOT NULL,
    event_id       uuid NOT NULL,
    event_type     text NOT NULL,
    processed_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer_group, event_id)
);
