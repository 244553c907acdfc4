-- Read models 台账 of the reporting service, folded from the events in `observed`
-- (services/reporting/readmodels.py over the pure services/reporting/domain/readmodel.py).
-- `fuyuan reporting rebuild` empties them and re-applies `observed` from position 0; the digest
-- of the rows is the same after it.

-- One row per thing a screen lists: kind (item, overdue, response, meeting, bankruptcy_case,
-- report, indicator, assessment) and its key; `data` is the row as the fold wrote it. The
-- unit, key item and case number are copied out of it to be found fast.
CREATE TABLE readmodel (
    kind         text  NOT NULL,
    key          text  NOT NULL,
    unit         text  NOT NULL DEFAULT '',
    key_item     text  NOT NULL DEFAULT '',
    case_number  text  NOT NULL DEFAULT '',
    data         jsonb NOT NULL,
    PRIMARY KEY (kind, key)
);
CREATE INDEX readmodel_unit ON readmodel (kind, unit);
CREATE INDEX readmodel_key_item ON readmodel (kind, key_item);
CREATE INDEX readmodel_case_number ON readmodel (case_number) WHERE case_number <> '';

-- How far the fold has read `observed`, written in the transaction that wrote its rows.
CREATE TABLE readmodel_checkpoint (
    name      text   PRIMARY KEY,
    position  bigint NOT NULL
);
