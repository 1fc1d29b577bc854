-- Running timers (`alloy start` / `alloy stop`): at most one per user, kept on the server so
-- they survive restarts, work the same embedded and remote, and every face can show them.
-- Stopping one turns the elapsed time into a Draft time entry and deletes the row.
CREATE TABLE timers (
    user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    ticket_id TEXT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    started_at TEXT NOT NULL
);
CREATE INDEX timers_ticket ON timers(ticket_id);
