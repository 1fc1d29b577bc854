"""Delete guards: 409 with dependent counts; `cascade` deletes them; `dry_run` only counts.

Dependents are declared here, one line per (parent, dependent) — the schema's ON DELETE
CASCADE foreign keys do the actual deleting, so counting and deleting cannot disagree.
Each module that adds a dependent table adds its line here.
"""

from __future__ import annotations

import msgspec

from alloy.errors import Conflict

# parent entity -> [(dependent name, SQL counting them for the parent id)]
DEPENDENTS: dict[str, list[tuple[str, str]]] = {
    "project": [
        ("tickets", "SELECT COUNT(*) FROM tickets WHERE project_id = ?"),
        ("time_entries", "SELECT COUNT(*) FROM time_entries WHERE project_id = ?"),
    ],
    "team": [
        ("members", "SELECT COUNT(*) FROM team_members WHERE team_id = ?"),
        ("projects", "SELECT COUNT(*) FROM projects WHERE team_id = ?"),
    ],
    "ticket": [
        ("time_entries", "SELECT COUNT(*) FROM time_entries WHERE ticket_id = ?"),
    ],
}


class DeleteQuery(msgspec.Struct, kw_only=True):
    cascade: bool = False
    dry_run: bool = False


def check(ctx, entity: str, entity_id: str, query: DeleteQuery) -> dict | None:
    """Counts of dependents when this is a dry run; raise Conflict if they block the delete."""
    counts = {name: ctx.db.value(sql, entity_id) for name, sql in DEPENDENTS.get(entity, [])}
    blocking = {k: v for k, v in counts.items() if v}
    if query.dry_run:
        return counts
    if blocking and not query.cascade:
        raise Conflict(f"Cannot delete {entity} with existing dependents",
                       [f"{k}: {v}" for k, v in blocking.items()])
    return None
