-- The event store of one service. Applied once per service schema (search_path is set to it).
-- Append-only: UPDATE, DELETE and TRUNCATE are refused by triggers, whatever the code does.

CREATE TABLE events (
    position     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- The writing transaction's id. The relay reads only below the oldest transaction still in
    -- progress (pg_snapshot_xmin), in (tx, position) order: a transaction that commits after a
    -- later-numbered one can then never be passed over.
    tx           xid8        NOT NULL DEFAULT pg_current_xact_id(),
    stream_id    text        NOT NULL,
    version      integer     NOT NULL CHECK (version >= 1),
    event_id     uuid        NOT NULL UNIQUE,
    type         text        NOT NULL,
    subject      text        NOT NULL,
    occurred_at  timestamptz NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    message      jsonb       NOT NULL,
    headers      jsonb       NOT NULL DEFAULT '{}'::jsonb,
    UNIQUE (stream_id, version)
);

CREATE INDEX events_relay_order ON events (tx, position);

-- A consumer's record of the messages it has processed, written in the same transaction as
-- the events the message caused: a redelivered message finds its row and has no second effect.
CREATE TABLE inbox (
    consumer     text        NOT NULL,
    message_id   uuid        NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, message_id)
);

-- How far the relay has published, moved only after JetStream confirmed.
CREATE TABLE relay_checkpoint (
    relay        text        PRIMARY KEY,
    tx           xid8        NOT NULL,
    position     bigint      NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the table %.% is append-only: % refused', TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER inbox_append_only BEFORE UPDATE OR DELETE ON inbox
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER inbox_no_truncate BEFORE TRUNCATE ON inbox
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
