-- The reporting service's own tables.

-- 所见 — every event and notice of every context, as the service received it from the streams
-- (services/reporting/observed.py): commands, replies and rejections are not kept. The place in
-- its stream and the event id are each unique, so a redelivered message is not kept twice.
-- `position` is the order the read models (0002) fold them in.
CREATE TABLE observed (
    position       bigserial   PRIMARY KEY,
    stream         text        NOT NULL,
    stream_seq     bigint      NOT NULL,
    event_id       uuid        NOT NULL UNIQUE,
    type           text        NOT NULL,
    context        text        NOT NULL,
    occurred_at    timestamptz NOT NULL,
    organization   text        NOT NULL,
    case_number    text,
    correlation_id uuid,
    body           jsonb       NOT NULL,
    message        jsonb       NOT NULL,
    observed_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (stream, stream_seq)
);
CREATE INDEX observed_type ON observed (type);
CREATE INDEX observed_case_number ON observed (case_number) WHERE case_number IS NOT NULL;

-- The units each ad-hoc reporting notice names, per period, with the notice's due date (the
-- latest notice wins), written by the service's projector from its own notices
-- (services/reporting/projections.py): the deadline runner owes them reminders and overdue
-- facts besides the lead units and towns of the schedule.
CREATE TABLE notice_units (
    period     text    NOT NULL,
    unit       text    NOT NULL,
    notice_id  uuid    NOT NULL,
    due_on     date    NOT NULL,
    position   bigint  NOT NULL,
    PRIMARY KEY (period, unit)
);
