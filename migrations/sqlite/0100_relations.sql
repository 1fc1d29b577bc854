-- Sub-issues and ticket relations (issue 19). A ticket has at most one parent (parent_id);
-- deleting the parent detaches its children. A relation links two tickets of one org, in
-- any projects: kind 'blocks' (source blocks target; read backwards as "blocked by"),
-- 'relates_to' (symmetric; stored once) or 'duplicates' (source duplicates target).
ALTER TABLE tickets ADD COLUMN parent_id TEXT REFERENCES tickets(id) ON DELETE SET NULL;
CREATE INDEX tickets_parent ON tickets(parent_id);
CREATE TABLE ticket_relations (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    source_id TEXT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    target_id TEXT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('blocks', 'relates_to', 'duplicates')),
    created_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    CHECK (source_id <> target_id),
    UNIQUE (source_id, target_id, kind)
);
CREATE INDEX ticket_relations_target ON ticket_relations(target_id, kind);
