-- Resolved cases close by themselves once the citizen's evaluation window has passed (AutoClose).
-- Only resolved cases are in this index, so each round reads a few pages however many closed
-- cases the table holds.
create index complaints_resolved_awaiting_close on complaints (resolved_at) where status = 'resolved';
