-- 审计链 — the journal: one append-only, hash-chained record of every message of every service.

CREATE TABLE journal (
    position        bigint      PRIMARY KEY CHECK (position >= 1),
    message_key     text        NOT NULL UNIQUE,  -- the envelope's event id, or nats:<stream>:<seq>
    event_id        text,
    type            text        NOT NULL,
    subject         text        NOT NULL,
    organization    text,
    case_number     text,
    correlation_id  text,
    causation_id    text,
    trace_id        text,
    body            bytea       NOT NULL,         -- canonical bytes of the message (RFC 8785)
    message_sha256  bytea       NOT NULL,
    recorded_at     timestamptz NOT NULL,
    prev_hash       bytea       NOT NULL,
    hash            bytea       NOT NULL
);

CREATE INDEX journal_case_number ON journal (case_number) WHERE case_number IS NOT NULL;
CREATE INDEX journal_correlation ON journal (correlation_id) WHERE correlation_id IS NOT NULL;
CREATE INDEX journal_event_id ON journal (event_id) WHERE event_id IS NOT NULL;

-- The head of the chain. An appender locks this row (SELECT … FOR UPDATE) before it reads the
-- last hash: after the lock is granted the row is read afresh, so two appenders can never both
-- extend the same hash and fork the chain.
CREATE TABLE head (
    singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    position   bigint  NOT NULL,
    hash       bytea   NOT NULL
);
INSERT INTO head (position, hash) VALUES (0, '\x0000000000000000000000000000000000000000000000000000000000000000');

-- Signed checkpoints are events of the ledger's own event log (stream `checkpoints`),
-- published by its relay on ledger.event.checkpoint_signed.v1.FUYUAN.

CREATE TRIGGER journal_append_only BEFORE UPDATE OR DELETE ON journal
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER journal_no_truncate BEFORE TRUNCATE ON journal
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER head_not_deleted BEFORE DELETE ON head
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER head_no_truncate BEFORE TRUNCATE ON head
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

-- Privileges too: no role but the owner may change what was written. (A superuser can still
-- bypass triggers and privileges; `fuyuan audit verify` and the signed checkpoints catch that.)
REVOKE UPDATE, DELETE, TRUNCATE ON journal FROM PUBLIC;
REVOKE DELETE, TRUNCATE ON head FROM PUBLIC;
