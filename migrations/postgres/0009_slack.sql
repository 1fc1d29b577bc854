-- Slack: thread mappings (a Slack thread <-> an Alloy ticket, for comment sync) and the
-- outbox of notifications, written in the caller's transaction and sent to chat.postMessage
-- by the server's delivery worker (same claim/lease/retry scheme as webhook_deliveries).
CREATE TABLE slack_thread_mappings (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    ticket_id TEXT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    channel_id TEXT NOT NULL,
    thread_ts TEXT NOT NULL,
    created_by TEXT,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX slack_thread_mappings_thread ON slack_thread_mappings(org_id, channel_id, thread_ts);
CREATE UNIQUE INDEX slack_thread_mappings_ticket ON slack_thread_mappings(ticket_id, channel_id);

CREATE TABLE slack_messages (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    ticket_id TEXT,
    notification_type TEXT NOT NULL,
    channel TEXT NOT NULL,
    thread_ts TEXT,
    text TEXT NOT NULL,
    blocks TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    claimed_until TEXT,
    last_error TEXT,
    slack_ts TEXT,
    created_by TEXT,
    created_at TEXT NOT NULL,
    delivered_at TEXT
);
CREATE INDEX slack_messages_due ON slack_messages(status, next_attempt_at);

-- Slack messages already synced as comments: Slack retries an event it thinks was not
-- received, and a retry must not comment twice.
CREATE TABLE slack_synced_messages (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    channel_id TEXT NOT NULL,
    message_ts TEXT NOT NULL,
    comment_id TEXT,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX slack_synced_messages_once ON slack_synced_messages(org_id, channel_id, message_ts);
