-- One row per company debtor (credit code) and enforcement case against it, written by the
-- projector from CaseRegistered and the facts that end a case: the acceptance of the company's
-- bankruptcy (企业破产法 第十九条) finds its open cases here.
CREATE TABLE debtor_cases (
    credit_code  text        NOT NULL,
    case_number  text        NOT NULL,
    open         boolean     NOT NULL,
    position     bigint      NOT NULL,
    PRIMARY KEY (credit_code, case_number)
);
CREATE INDEX debtor_cases_open ON debtor_cases (credit_code) WHERE open;
