-- 工作台 — the workbench's officers and their sessions (services/reporting/workbench).

-- One row per officer: the password only as an argon2 hash; failures counted for throttling
-- (a few wrong passwords → the account waits until `locked_until`).
CREATE TABLE workbench_account (
    officer          text        PRIMARY KEY,
    name             text        NOT NULL,
    organization     text        NOT NULL,
    role             text        NOT NULL,
    password_hash    text        NOT NULL,
    disabled         boolean     NOT NULL DEFAULT false,
    failures         integer     NOT NULL DEFAULT 0,
    locked_until     timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now()
);

-- A signed-in browser: the cookie carries the token, the table only its SHA-256, so a copy of
-- the table opens no session. The CSRF token is per session.
CREATE TABLE workbench_session (
    token_sha256  text        PRIMARY KEY,
    officer       text        NOT NULL REFERENCES workbench_account (officer) ON DELETE CASCADE,
    csrf          text        NOT NULL,
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL
);
CREATE INDEX workbench_session_officer ON workbench_session (officer);
