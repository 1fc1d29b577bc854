"""Delete guards: 409 with dependent counts; `cascade` deletes them; `dry_run` only counts.

Dependents are declared here, one line per (parent, dependent) — the schema's ON DELETE
CASCADE foreign keys do the actual deleting, so counting and deleting cannot disagree.
Each module that adds a dependent table adds its line here.

The parent row is locked before counting (`FOR UPDATE` on PostgreSQL), so a dependent
created at the same moment is either counted (its transaction committed first) or refused
(its foreign key, or its own lock on the parent, waits for the delete and then finds nothing).
"""

from __future__ import annotations

import msgspec

from alloy.errors import Conflict

# parent entity -> [(dependent name, SQL counting them for the parent id)]
DEPENDENTS: dict[str, list[tuple[str, str]]] = {
    "project": [
        ("tickets", "SELECT COUNT(*) FROM tickets WHERE project_id = ?"),
        ("sprints", "SELECT COUNT(*) FROM sprints WHERE project_id = ?"),
        ("comments", "SELECT COUNT(*) FROM comments c JOIN tickets t ON t.id = c.ticket_id "
                     "WHERE t.project_id = ?"),
        ("time_entries", "SELECT COUNT(*) FROM time_entries WHERE project_id = ?"),
    ],
    "sprint": [
        ("tickets", "SELECT COUNT(*) FROM tickets WHERE sprint_id = ?"),
    ],
    "workflow": [
        ("projects", "SELECT COUNT(*) FROM projects WHERE workflow_id = ?"),
    ],
    "team": [
        ("members", "SELECT COUNT(*) FROM team_members WHERE team_id = ?"),
        ("projects", "SELECT COUNT(*) FROM projects WHERE team_id = ?"),
    ],
    "ticket": [
        ("time_entries", "SELECT COUNT(*) FROM time_entries WHERE ticket_id = ?"),
        ("comments", "SELECT COUNT(*) FROM comments WHERE ticket_id = ?"),
    ],
    "label": [
        ("tickets", "SELECT COUNT(*) FROM ticket_labels WHERE label_id = ?"),
    ],
}


TABLES = {"project": "projects", "sprint": "sprints", "workflow": "workflows",
          "team": "teams", "ticket": "tickets", "label": "labels"}


def lock(ctx, table: str, row_id: str) -> dict | None:
    """The row, locked until commit: the one place a read-check-write rule takes its lock.

    PostgreSQL runs writers side by side, so a rule that reads a row and writes on what it
    read locks it (`SELECT ... FOR UPDATE`); a concurrent writer waits and then reads the
    committed result. SQLite already runs one write transaction at a time.
    """
    return ctx.db.locked(f"SELECT * FROM {table} WHERE id = ?", row_id)


def serialize(ctx, name: str) -> None:
    """Run this transaction's rule alone among those serialized on `name`, until commit.

    For a rule over many rows that no single row lock covers ("this new edge closes no
    cycle" reads a whole graph): on PostgreSQL an advisory lock on `name`; SQLite already
    runs one write transaction at a time. Take it before any row lock, so every holder
    waits in the same order.
    """
    ctx.db.lock_key(name)


class DeleteQuery(msgspec.Struct, kw_only=True):
    cascade: bool = False
    dry_run: bool = False


def check(ctx, entity: str, entity_id: str, query: DeleteQuery) -> dict | None:
    """Counts of dependents when this is a dry run; raise Conflict if they block the delete."""
    lock(ctx, TABLES[entity], entity_id)
    counts = {name: ctx.db.value(sql, entity_id) for name, sql in DEPENDENTS.get(entity, [])}
    blocking = {k: v for k, v in counts.items() if v}
    if query.dry_run:
        return counts
    if blocking and not query.cascade:
        raise Conflict(f"Cannot delete {entity} with existing dependents",
                       [f"{k}: {v}" for k, v in blocking.items()])
    return None
