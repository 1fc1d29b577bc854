-- Saved views (issue 19): a named search query. Personal (owner_id set, shared = 0) or
-- shared with the whole organization (shared = 1; Admins share). Names are unique among a
-- person's own views and among the org's shared views, ignoring case (checked by the
-- service, which serializes namings on the org row).
CREATE TABLE saved_views (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    owner_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    query TEXT NOT NULL,
    shared INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX saved_views_org ON saved_views(org_id, shared, owner_id);
