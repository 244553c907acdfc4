-- Projection tables, written only by the service's projector from its own typed events
-- (services/risk/projections.py); `fuyuan projections rebuild risk` empties them and replays
-- the log from position 0.

-- One row per meeting and per joint office's leading-group meetings: when the deadline runner
-- should next look at it (NULL: nothing pending), and the trace context stored with the event
-- that set that moment.
CREATE TABLE due_streams (
    stream_id  text        PRIMARY KEY,
    due_at     timestamptz,
    headers    jsonb       NOT NULL DEFAULT '{}'::jsonb,
    version    integer     NOT NULL
);
CREATE INDEX due_streams_due_at ON due_streams (due_at) WHERE due_at IS NOT NULL;
