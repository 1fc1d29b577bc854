-- Fixed-window rate-limit counters shared by every server process (server/ratelimit.py).
-- Not tenant data: no org_id, no RLS.
CREATE TABLE rate_limits (
    bucket TEXT NOT NULL,
    window_start INTEGER NOT NULL,
    hits INTEGER NOT NULL,
    PRIMARY KEY (bucket, window_start)
);
CREATE INDEX rate_limits_window ON rate_limits(window_start);
