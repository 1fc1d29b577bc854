-- Full-text search (issue 19): one tsvector document per ticket (title weighted A,
-- description B, its comments' bodies C) in `ticket_search`, kept current by triggers and
-- searched through a GIN index. The table carries org_id, so row-level security covers it
-- like every tenant table (alloy/store/pg_rls.py); the triggers run as the acting role.
CREATE TABLE ticket_search (
    ticket_id TEXT PRIMARY KEY REFERENCES tickets(id) ON DELETE CASCADE,
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    document tsvector NOT NULL
);
CREATE INDEX ticket_search_document ON ticket_search USING GIN (document);
CREATE INDEX ticket_search_org ON ticket_search(org_id);

CREATE FUNCTION alloy_ticket_search_refresh(tid text) RETURNS void LANGUAGE sql AS $$
    INSERT INTO ticket_search (ticket_id, org_id, document)
    SELECT t.id, t.org_id,
           setweight(to_tsvector('simple', t.title), 'A') ||
           setweight(to_tsvector('simple', coalesce(t.description, '')), 'B') ||
           setweight(to_tsvector('simple', coalesce((SELECT string_agg(c.body, E'\n')
               FROM comments c WHERE c.ticket_id = t.id), '')), 'C')
    FROM tickets t WHERE t.id = tid
    ON CONFLICT (ticket_id) DO UPDATE SET document = excluded.document
$$;

CREATE FUNCTION alloy_ticket_search_ticket() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM alloy_ticket_search_refresh(NEW.id);
    RETURN NULL;
END
$$;

CREATE FUNCTION alloy_ticket_search_comment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM alloy_ticket_search_refresh(OLD.ticket_id);
    END IF;
    IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.ticket_id <> OLD.ticket_id) THEN
        PERFORM alloy_ticket_search_refresh(NEW.ticket_id);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER ticket_search_ticket AFTER INSERT OR UPDATE OF title, description ON tickets
    FOR EACH ROW EXECUTE FUNCTION alloy_ticket_search_ticket();
CREATE TRIGGER ticket_search_comment AFTER INSERT OR UPDATE OF body, ticket_id OR DELETE
    ON comments FOR EACH ROW EXECUTE FUNCTION alloy_ticket_search_comment();

-- Tickets that exist already.
SELECT alloy_ticket_search_refresh(id) FROM tickets;
