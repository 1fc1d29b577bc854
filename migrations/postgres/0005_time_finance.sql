-- Time entries (Draft -> Submitted -> Approved | Rejected) and effective-dated labor rates.
-- Dates are ISO 'YYYY-MM-DD' text, durations integer minutes, money integer cents.
CREATE TABLE time_entries (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    ticket_id TEXT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    work_date TEXT NOT NULL,
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes BETWEEN 1 AND 1440),
    description TEXT,
    activity_type TEXT NOT NULL,
    status TEXT NOT NULL,
    approved_by TEXT,
    approved_at TEXT,
    rejection_reason TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX time_entries_ticket ON time_entries(ticket_id);
CREATE INDEX time_entries_user ON time_entries(user_id, work_date);
CREATE INDEX time_entries_project ON time_entries(project_id, work_date);
CREATE INDEX time_entries_org_status ON time_entries(org_id, status, work_date);

CREATE TABLE labor_rates (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    loaded_rate_cents INTEGER NOT NULL CHECK (loaded_rate_cents >= 0),
    effective_date TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (org_id, user_id, effective_date)
);
