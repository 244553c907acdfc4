-- 审计链 v2 — who really sent each message, and what the envelope claimed.
--
-- Messages are keyed by their place in the stream (`<STREAM>:<stream sequence>`), never by an id
-- the sender chose; rows written before keep their keys. `sender` is the organization NATS
-- permissions let publish on the subject (the subject's last token for commands and replies,
-- FUYUAN for what the platform publishes); `forgery` marks an envelope that claims another
-- organization than the sender; `detail` holds a dead letter's origin and reason. All three are
-- covered by the hash of entries of format v2 (`entry_version` 2). Rows written before this
-- migration are format v1 and are still checked as v1.
--
-- ADD COLUMN with a default rewrites no row through UPDATE, so the append-only triggers stay
-- untouched; every existing row gets entry_version 1, every later row 2.

ALTER TABLE journal
    ADD COLUMN sender        text,
    ADD COLUMN forgery       boolean  NOT NULL DEFAULT false,
    ADD COLUMN detail        text,
    ADD COLUMN entry_version smallint NOT NULL DEFAULT 1 CHECK (entry_version IN (1, 2));

ALTER TABLE journal ALTER COLUMN entry_version SET DEFAULT 2;

CREATE INDEX journal_forgery ON journal (position) WHERE forgery;
