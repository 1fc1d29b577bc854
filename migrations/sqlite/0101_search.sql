-- Full-text search (issue 19): one FTS5 document per ticket (title, description, and its
-- comments' bodies joined), kept current by triggers. `ticket_search_docs` gives each ticket
-- a stable integer document id: a table without an INTEGER PRIMARY KEY (tickets) may have its
-- rowids renumbered by VACUUM, so the index does not lean on them.
CREATE TABLE ticket_search_docs (
    doc INTEGER PRIMARY KEY,
    ticket_id TEXT NOT NULL UNIQUE
);
CREATE VIRTUAL TABLE ticket_search USING fts5(
    title, description, comments, tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO ticket_search_docs (ticket_id) SELECT id FROM tickets ORDER BY id;
INSERT INTO ticket_search (rowid, title, description, comments)
SELECT d.doc, t.title, IFNULL(t.description, ''),
       IFNULL((SELECT group_concat(c.body, char(10)) FROM comments c WHERE c.ticket_id = t.id), '')
FROM ticket_search_docs d JOIN tickets t ON t.id = d.ticket_id;

CREATE TRIGGER ticket_search_insert AFTER INSERT ON tickets BEGIN
    INSERT INTO ticket_search_docs (ticket_id) VALUES (new.id);
    INSERT INTO ticket_search (rowid, title, description, comments)
    VALUES ((SELECT doc FROM ticket_search_docs WHERE ticket_id = new.id), new.title,
            IFNULL(new.description, ''), '');
END;
CREATE TRIGGER ticket_search_update AFTER UPDATE OF title, description ON tickets BEGIN
    UPDATE ticket_search SET title = new.title, description = IFNULL(new.description, '')
    WHERE rowid = (SELECT doc FROM ticket_search_docs WHERE ticket_id = new.id);
END;
CREATE TRIGGER ticket_search_delete AFTER DELETE ON tickets BEGIN
    DELETE FROM ticket_search
    WHERE rowid = (SELECT doc FROM ticket_search_docs WHERE ticket_id = old.id);
    DELETE FROM ticket_search_docs WHERE ticket_id = old.id;
END;
CREATE TRIGGER ticket_search_comment_insert AFTER INSERT ON comments BEGIN
    UPDATE ticket_search SET comments = IFNULL((SELECT group_concat(c.body, char(10))
        FROM comments c WHERE c.ticket_id = new.ticket_id), '')
    WHERE rowid = (SELECT doc FROM ticket_search_docs WHERE ticket_id = new.ticket_id);
END;
CREATE TRIGGER ticket_search_comment_update AFTER UPDATE OF body, ticket_id ON comments BEGIN
    UPDATE ticket_search SET comments = IFNULL((SELECT group_concat(c.body, char(10))
        FROM comments c WHERE c.ticket_id = new.ticket_id), '')
    WHERE rowid = (SELECT doc FROM ticket_search_docs WHERE ticket_id = new.ticket_id);
    UPDATE ticket_search SET comments = IFNULL((SELECT group_concat(c.body, char(10))
        FROM comments c WHERE c.ticket_id = old.ticket_id), '')
    WHERE old.ticket_id <> new.ticket_id
      AND rowid = (SELECT doc FROM ticket_search_docs WHERE ticket_id = old.ticket_id);
END;
CREATE TRIGGER ticket_search_comment_delete AFTER DELETE ON comments BEGIN
    UPDATE ticket_search SET comments = IFNULL((SELECT group_concat(c.body, char(10))
        FROM comments c WHERE c.ticket_id = old.ticket_id), '')
    WHERE rowid = (SELECT doc FROM ticket_search_docs WHERE ticket_id = old.ticket_id);
END;
