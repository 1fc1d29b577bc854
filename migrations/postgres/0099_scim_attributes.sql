-- SCIM attributes Alloy keeps only for the identity provider, per organization (accounts are
-- global, so a directory's view of a person is its own): the externalId of a user or group,
-- a user's name (formatted and its parts) and emails (a JSON list). resource_id is a user
-- id or a team id.
CREATE TABLE scim_attributes (
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    resource_id TEXT NOT NULL,
    external_id TEXT,
    formatted TEXT,
    given_name TEXT,
    family_name TEXT,
    emails TEXT,
    PRIMARY KEY (org_id, resource_id)
);
CREATE INDEX scim_attributes_external ON scim_attributes (org_id, external_id);
