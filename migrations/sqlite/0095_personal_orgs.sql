-- Personal organizations (the one registration makes) are marked, and their slugs take a
-- form no one can ask for (`~alice`: POST /orgs accepts only [a-z0-9-]), so a team org can
-- always be called after a person (`alice`). Earlier personal orgs are recognised by what
-- registration made: named "<display name>'s Workspace", with their founder as sole member.
ALTER TABLE orgs ADD COLUMN personal INTEGER NOT NULL DEFAULT 0;
UPDATE orgs SET personal = 1, slug = '~' || slug
WHERE (SELECT COUNT(*) FROM org_members m WHERE m.org_id = orgs.id) = 1
  AND EXISTS (SELECT 1 FROM org_members m JOIN users u ON u.id = m.user_id
              WHERE m.org_id = orgs.id AND m.role = 'Owner'
                AND orgs.name = u.display_name || '''s Workspace');
