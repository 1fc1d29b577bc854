-- Attribution: the credential every audited action came through (alloy/actor.py Credential):
-- kind session | api_key | mcp | integration | embedded; the API key's id and name at the
-- time (name: the integration's); the MCP client's declared name. NULL on older rows.
ALTER TABLE audit_log ADD COLUMN via_kind TEXT;
ALTER TABLE audit_log ADD COLUMN via_id TEXT;
ALTER TABLE audit_log ADD COLUMN via_name TEXT;
ALTER TABLE audit_log ADD COLUMN via_client TEXT;
