-- Events the relay could not publish after bounded tries, for a reason of the event itself: too
-- large for the server's max_payload, or refused by the server. One row per event; the relay
-- records it, alerts the operator on deadletter.<schema>.relay and goes on with the next events.
-- `reconcile` and `fuyuan status` read it. Append-only like the log it points into.
CREATE TABLE relay_set_aside (
    position     bigint      PRIMARY KEY,
    event_id     uuid        NOT NULL,
    subject      text        NOT NULL,
    size         integer     NOT NULL,
    reason       text        NOT NULL,
    set_aside_at timestamptz NOT NULL DEFAULT now()
);

CREATE TRIGGER relay_set_aside_append_only BEFORE UPDATE OR DELETE ON relay_set_aside
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER relay_set_aside_no_truncate BEFORE TRUNCATE ON relay_set_aside
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
