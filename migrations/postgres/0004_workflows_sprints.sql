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
