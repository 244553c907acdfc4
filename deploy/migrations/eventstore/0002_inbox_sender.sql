-- The inbox keys a processed message by (consumer, sender, message id). The sender is the
-- organization token of the subject the message arrived on, which NATS permissions
-- authenticate; a message id is chosen by its sender, so two organizations using the same id
-- (or a bureau answering with the id of the notice it received) are two different messages.
--
-- Rows recorded before this migration get the sender '': no organization code is empty, so no
-- new row can take that key, and the event store reads a '' row as matching every sender. A
-- message processed before the upgrade and redelivered after it is then still recognised and
-- has no second effect. The sender of those rows cannot be recovered here: the inbox kept only
-- the id, and the id alone is what the rows promised.
--
-- ADD COLUMN with a constant default rewrites no row, so the append-only triggers do not fire.
ALTER TABLE inbox ADD COLUMN sender text NOT NULL DEFAULT '';
ALTER TABLE inbox ALTER COLUMN sender DROP DEFAULT;

-- (consumer, message_id) first: one index range finds both the sender's row and a legacy row.
ALTER TABLE inbox DROP CONSTRAINT inbox_pkey;
ALTER TABLE inbox ADD CONSTRAINT inbox_pkey PRIMARY KEY (consumer, message_id, sender);
