-- Workflows (statuses, transitions, enforcement) and sprints.
CREATE TABLE workflows (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    statuses TEXT NOT NULL,
    transitions TEXT NOT NULL,
    enforcement TEXT NOT NULL DEFAULT 'none',
    is_default INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (org_id, name)
);
CREATE UNIQUE INDEX workflows_one_default ON workflows(org_id) WHERE is_default = 1;
CREATE INDEX projects_workflow ON projects(workflow_id);

CREATE TABLE sprints (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    goal TEXT,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    status TEXT NOT NULL,
    started_at TEXT,
    completed_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX sprints_project ON sprints(project_id, status);

-- Every organization that exists already gets its Default workflow (six statuses, any to
-- any, enforcement none); new organizations get theirs from the service that creates them.
INSERT INTO workflows (id, org_id, name, statuses, transitions, enforcement, is_default,
                       created_at, updated_at)
SELECT gen_random_uuid()::text, o.id, 'Default',
       '[{"name": "Backlog", "category": "backlog"}, {"name": "Todo", "category": "todo"}, {"name": "InProgress", "category": "in_progress"}, {"name": "InReview", "category": "in_review"}, {"name": "Done", "category": "done"}, {"name": "Cancelled", "category": "cancelled"}]',
       '[{"from": "Backlog", "to": "Todo"}, {"from": "Backlog", "to": "InProgress"}, {"from": "Backlog", "to": "InReview"}, {"from": "Backlog", "to": "Done"}, {"from": "Backlog", "to": "Cancelled"}, {"from": "Todo", "to": "Backlog"}, {"from": "Todo", "to": "InProgress"}, {"from": "Todo", "to": "InReview"}, {"from": "Todo", "to": "Done"}, {"from": "Todo", "to": "Cancelled"}, {"from": "InProgress", "to": "Backlog"}, {"from": "InProgress", "to": "Todo"}, {"from": "InProgress", "to": "InReview"}, {"from": "InProgress", "to": "Done"}, {"from": "InProgress", "to": "Cancelled"}, {"from": "InReview", "to": "Backlog"}, {"from": "InReview", "to": "Todo"}, {"from": "InReview", "to": "InProgress"}, {"from": "InReview", "to": "Done"}, {"from": "InReview", "to": "Cancelled"}, {"from": "Done", "to": "Backlog"}, {"from": "Done", "to": "Todo"}, {"from": "Done", "to": "InProgress"}, {"from": "Done", "to": "InReview"}, {"from": "Done", "to": "Cancelled"}, {"from": "Cancelled", "to": "Backlog"}, {"from": "Cancelled", "to": "Todo"}, {"from": "Cancelled", "to": "InProgress"}, {"from": "Cancelled", "to": "InReview"}, {"from": "Cancelled", "to": "Done"}]',
       'none', 1, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
FROM orgs o
WHERE NOT EXISTS (SELECT 1 FROM workflows w WHERE w.org_id = o.id AND w.is_default = 1);
