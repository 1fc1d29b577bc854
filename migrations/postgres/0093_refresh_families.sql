-- Refresh-token families: every token rotated from one login shares the login's family, so
-- reusing a rotated token revokes the whole family (alloy/services/auth.py refresh).
ALTER TABLE refresh_tokens ADD COLUMN family_id TEXT;
UPDATE refresh_tokens SET family_id = id;
CREATE INDEX refresh_tokens_family ON refresh_tokens(family_id);
