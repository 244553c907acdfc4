-- The deadline clock looks for cases with an open query or a control near its last day by
-- event type; this keeps that a short index scan.
CREATE INDEX events_type ON events (type);
