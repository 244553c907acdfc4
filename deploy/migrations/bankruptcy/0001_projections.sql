-- Projection tables, written only by the service's projector from its own typed events
-- (services/bankruptcy/projections.py); `fuyuan projections rebuild bankruptcy` empties them
-- and replays the log from position 0.

-- Every number a case is known by (破申, then 破) → the stream the case was opened under.
CREATE TABLE case_numbers (
    number     text PRIMARY KEY,
    stream_id  text NOT NULL
);

-- One row per case: when the deadline runner should next look at it (NULL: nothing pending), and
-- the trace context stored with the event that set that moment.
CREATE TABLE due_cases (
    stream_id  text        PRIMARY KEY,
    due_at     timestamptz,
    headers    jsonb       NOT NULL DEFAULT '{}'::jsonb,
    version    integer     NOT NULL
);
CREATE INDEX due_cases_due_at ON due_cases (due_at) WHERE due_at IS NOT NULL;

-- One row per expense-aid application: its fund, budget year and the amount approved (NULL
-- until approved), so a fund's yearly budget counts what every case was given.
CREATE TABLE aid_applications (
    application_id  uuid    PRIMARY KEY,
    fund            text    NOT NULL,
    budget_year     integer NOT NULL,
    approved        numeric
);
CREATE INDEX aid_applications_fund ON aid_applications (fund, budget_year);
