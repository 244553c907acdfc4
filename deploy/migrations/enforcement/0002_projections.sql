-- Projection tables, written only by the service's projector from its own typed events
-- (services/enforcement/projections); `fuyuan projections rebuild` empties them and replays the
-- log from position 0.

-- One row per case: when the deadline runner should next look at it (NULL: nothing pending), and
-- the trace context stored with the event that set that moment.
CREATE TABLE due_cases (
    case_number  text        PRIMARY KEY,
    due_at       timestamptz,
    headers      jsonb       NOT NULL DEFAULT '{}'::jsonb,
    version      integer     NOT NULL
);
CREATE INDEX due_cases_due_at ON due_cases (due_at) WHERE due_at IS NOT NULL;

-- One row per sanction and party it binds (debtor, legal representative, actual controller):
-- found by party id; whether it is in force is decided in Python by the domain's rule.
CREATE TABLE sanction_parties (
    sanction_id  uuid        NOT NULL,
    party_id     text        NOT NULL,
    case_number  text        NOT NULL,
    court        text        NOT NULL,
    kind         text        NOT NULL,
    since        date        NOT NULL,
    until        date,
    lifted_on    date,
    data         jsonb       NOT NULL,
    position     bigint      NOT NULL,
    PRIMARY KEY (sanction_id, party_id)
);
CREATE INDEX sanction_parties_party ON sanction_parties (party_id);
