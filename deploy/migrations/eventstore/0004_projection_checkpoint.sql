-- How far each projector of the service has read its log, in the relay's order (tx, position):
-- moved in the same transaction as the projection rows it wrote. A rebuild deletes its row and
-- replays from position 0.
CREATE TABLE projection_checkpoint (
    projector    text        PRIMARY KEY,
    tx           xid8        NOT NULL,
    position     bigint      NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now()
);
