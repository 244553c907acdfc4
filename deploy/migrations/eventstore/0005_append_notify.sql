-- The relay learns of a commit at once: every statement that appends events notifies the
-- channel `<schema>_appended` when its transaction commits (PostgreSQL merges the
-- notifications of one transaction, and sends none for one that rolls back). The relay's
-- leader listens on its own session; its timed poll remains only as a fallback.
CREATE FUNCTION notify_appended() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(TG_TABLE_SCHEMA || '_appended', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER events_appended
    AFTER INSERT ON events
    FOR EACH STATEMENT EXECUTE FUNCTION notify_appended();
