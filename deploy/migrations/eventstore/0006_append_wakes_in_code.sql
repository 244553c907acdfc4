-- The event store wakes the relay itself (services/runtime/eventstore/postgres.py): directly
-- when the relay leads in the same process, and with a notification on `<schema>_appended`
-- only when it leads in another instance. A trigger notified on every commit; a notifying
-- transaction holds a database-wide lock through its commit, so such commits could not share
-- a WAL flush.
DROP TRIGGER events_appended ON events;
DROP FUNCTION notify_appended();
