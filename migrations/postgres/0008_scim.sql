-- SCIM provisioning: a member deactivated by the identity provider ("active": false) leaves
-- org_members (so every role check, RLS and API key stops admitting them to the org) and is
-- remembered here with the role to restore when they are reactivated.
CREATE TABLE scim_suspensions (
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    suspended_at TEXT NOT NULL,
    PRIMARY KEY (org_id, user_id)
);
