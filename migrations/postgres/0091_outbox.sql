-- Transactional outbox: events written in the same transaction as the change that caused
-- them, delivered later by a worker (alloy/store/outbox.py) that claims rows with a lease.
CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    topic TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    locked_by TEXT,
    locked_until TEXT,
    delivered_at TEXT,
    last_error TEXT
);
CREATE INDEX outbox_pending ON outbox(delivered_at, next_attempt_at);
