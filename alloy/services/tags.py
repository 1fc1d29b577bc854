"""Entity tags: key/value pairs on projects, tickets, users, teams and time entries.

Tags live in one table keyed by (org, entity_type, entity_id, key). Which entities exist,
and which project each belongs to (for Reporter scoping and API-key project restriction),
comes from `ENTITIES` below: one line per taggable type. A type whose table is not in the
database yet answers 404 for its ids. Reading needs Viewer; setting and deleting, Member.
Changes are audited on the tagged entity, so a ticket's activity shows its tag changes.
"""

from __future__ import annotations

from typing import NamedTuple

from alloy import restriction
from alloy.context import Ctx
from alloy.domain.page import Page, keyset
from alloy.domain.tags import ENTITY_TYPES, EntityType, Tag, TagSearchQuery, TagsIn
from alloy.domain.values import Role, new_id, now
from alloy.errors import Invalid, NotFound
from alloy.ops import op
from alloy.services import projects


class Entity(NamedTuple):
    table: str  # has an org_id column
    id_column: str
    project_column: str | None  # the entity's project, if it belongs to one


ENTITIES = {
    "project": Entity("projects", "id", "id"),
    "ticket": Entity("tickets", "id", "project_id"),
    "user": Entity("org_members", "user_id", None),
    "team": Entity("teams", "id", None),
    "time_entry": Entity("time_entries", "id", "project_id"),
}

_ALIASES = {"timeentry": "time_entry", "time_entries": "time_entry", "timeentries": "time_entry",
            "members": "user", "member": "user"}


def canonical_type(text: str) -> str:
    """Canonical entity type: `project`, `ticket`, `user`, `team` or `time_entry`."""
    t = text.strip().lower().replace("-", "_").replace(" ", "_")
    t = _ALIASES.get(t, t)
    if t not in ENTITIES and t.endswith("s") and t[:-1] in ENTITIES:
        t = t[:-1]
    if t not in ENTITIES:
        raise Invalid(f"unknown entity type '{text}'", [{
            "field": "entity_type", "message": f"expected one of {', '.join(ENTITY_TYPES)}"}])
    return t


def table_exists(db, table: str) -> bool:
    if getattr(db, "dialect", "sqlite") == "sqlite":
        sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
    else:
        sql = ("SELECT 1 FROM information_schema.tables "
               "WHERE table_name = ? AND table_schema = current_schema()")
    return db.one(sql, table) is not None


def check_entity(ctx: Ctx, org_id: str, kind: str, entity_id: str, minimum: Role) -> None:
    """404 unless the entity is in the org; 403 unless the actor may use it at `minimum`."""
    ctx.require(org_id, minimum)
    e = ENTITIES[kind]
    row = None
    if table_exists(ctx.db, e.table):
        project = f"{e.project_column} AS project_id" if e.project_column else "NULL AS project_id"
        row = ctx.db.one(f"SELECT {project} FROM {e.table} WHERE {e.id_column} = ? "
                         "AND org_id = ?", entity_id, org_id)
    if row is None:
        raise NotFound(f"{kind} not found")
    if row["project_id"] is not None:
        project_row = ctx.db.one("SELECT * FROM projects WHERE id = ?", row["project_id"])
        projects.check_access(ctx, project_row, minimum)
    elif minimum is not Role.Viewer:  # a user's or a team's tags belong to the org
        restriction.require_org_level(ctx.actor, f"tagging a {kind}")


def to_tag(row: dict) -> Tag:
    return Tag(id=row["id"], org_id=row["org_id"], entity_type=row["entity_type"],
               entity_id=row["entity_id"], key=row["tag_key"], value=row["tag_value"],
               created_at=row["created_at"], updated_at=row["updated_at"])


def _tags_of(ctx: Ctx, org_id: str, kind: str, entity_id: str) -> list[Tag]:
    rows = ctx.db.all("SELECT * FROM entity_tags WHERE org_id = ? AND entity_type = ? "
                      "AND entity_id = ? ORDER BY tag_key", org_id, kind, entity_id)
    return [to_tag(r) for r in rows]


@op("PUT", "/api/v1/orgs/{org_id}/{entity_type}/{entity_id}/tags")
def set(ctx: Ctx, org_id: str, entity_type: EntityType, entity_id: str,
        body: TagsIn) -> list[Tag]:
    """Set tags on an entity (Member): new keys are added, existing keys get the new value.

    Answers all the entity's tags, by key.
    """
    kind = canonical_type(entity_type)
    check_entity(ctx, org_id, kind, entity_id, Role.Member)
    changes, t = {}, now()
    for pair in body.tags:
        key = pair.key.strip()
        if not key:
            raise Invalid("tag keys must not be blank",
                          [{"field": "tags", "message": "blank key"}])
        old = ctx.db.one("SELECT * FROM entity_tags WHERE org_id = ? AND entity_type = ? "
                         "AND entity_id = ? AND tag_key = ?", org_id, kind, entity_id, key)
        if old is None:
            ctx.db.insert("entity_tags", {
                "id": new_id(), "org_id": org_id, "entity_type": kind, "entity_id": entity_id,
                "tag_key": key, "tag_value": pair.value, "created_at": t, "updated_at": t})
            changes[key] = [None, pair.value]
        elif old["tag_value"] != pair.value:
            ctx.db.update("entity_tags", {"id": old["id"]},
                          {"tag_value": pair.value, "updated_at": t})
            changes[key] = [changes.get(key, [old["tag_value"]])[0], pair.value]
    if changes:
        ctx.audit(org_id, kind, entity_id, "tag_set", changes)
    return _tags_of(ctx, org_id, kind, entity_id)


@op("GET", "/api/v1/orgs/{org_id}/{entity_type}/{entity_id}/tags")
def get(ctx: Ctx, org_id: str, entity_type: EntityType, entity_id: str) -> list[Tag]:
    """All tags on an entity, by key."""
    kind = canonical_type(entity_type)
    check_entity(ctx, org_id, kind, entity_id, Role.Viewer)
    return _tags_of(ctx, org_id, kind, entity_id)


@op("DELETE", "/api/v1/orgs/{org_id}/{entity_type}/{entity_id}/tags/{key}")
def delete(ctx: Ctx, org_id: str, entity_type: EntityType, entity_id: str, key: str) -> None:
    """Remove one tag, by key, from an entity (Member)."""
    kind = canonical_type(entity_type)
    check_entity(ctx, org_id, kind, entity_id, Role.Member)
    old = ctx.db.one("SELECT * FROM entity_tags WHERE org_id = ? AND entity_type = ? "
                     "AND entity_id = ? AND tag_key = ?", org_id, kind, entity_id, key)
    if old is None:
        raise NotFound(f"tag '{key}' not found on this {kind}")
    ctx.db.run("DELETE FROM entity_tags WHERE id = ?", old["id"])
    ctx.audit(org_id, kind, entity_id, "tag_delete", {key: [old["tag_value"], None]})


# --- search and filters ------------------------------------------------------------------

def parse_filter(text: str | None, field: str = "tag") -> list[tuple[str, str]]:
    """`key:value,key:value` (as reports' `tag=` takes it) -> pairs; all must match (AND)."""
    pairs = []
    for part in (text or "").split(","):
        if not part.strip():
            continue
        key, sep, value = part.partition(":")
        if not sep or not key.strip():
            raise Invalid(f"invalid {field} filter '{part}'", [{
                "field": field, "message": "expected comma-separated key:value pairs"}])
        pairs.append((key.strip(), value.strip()))
    return pairs


def has_tags_sql(entity_type: str, id_column: str,
                 pairs: list[tuple[str, str]]) -> tuple[str, tuple]:
    """SQL (` AND ...`) keeping rows whose `id_column` entity carries every pair (AND).

    For other modules' filters, e.g. reports: `sql += frag` with `id_column="p.id"`.
    """
    sql, params = "", ()
    for key, value in pairs:
        sql += (" AND EXISTS (SELECT 1 FROM entity_tags tg WHERE tg.entity_type = ? "
                f"AND tg.entity_id = {id_column} AND tg.tag_key = ? AND tg.tag_value = ?)")
        params += (entity_type, key, value)
    return sql, params


def _visible(ctx: Ctx, org_id: str) -> tuple[str, tuple]:
    """SQL keeping tags whose entity still exists and is visible to the actor."""
    scopes, scope_params = [], ()
    if ctx.role_in(org_id) is Role.Reporter:
        scopes.append("IN (SELECT project_id FROM project_members WHERE user_id = ?)")
        scope_params += (ctx.user_id,)
    allowed = ctx.actor.allowed_project_ids
    if allowed is not None:
        scopes.append(f"IN ({', '.join('?' for _ in allowed)})" if allowed else "IN (NULL)")
        scope_params += tuple(allowed)
    parts, params = [], ()
    for kind, e in ENTITIES.items():
        if not table_exists(ctx.db, e.table):
            continue
        sub = (f"SELECT 1 FROM {e.table} x WHERE x.{e.id_column} = t.entity_id "
               "AND x.org_id = t.org_id")
        part_params = ()
        if e.project_column:
            for scope in scopes:
                sub += f" AND x.{e.project_column} {scope}"
            part_params = scope_params
        parts.append(f"(t.entity_type = '{kind}' AND EXISTS ({sub}))")
        params += part_params
    return "(" + " OR ".join(parts) + ")", params


@op("GET", "/api/v1/orgs/{org_id}/tags/search")
def search(ctx: Ctx, org_id: str, query: TagSearchQuery) -> Page[Tag]:
    """Tags with this key and value across the organization's entities.

    Narrow with `entity_type`, and with `tag=key:value,...` pairs the same entity must
    also carry (AND). Reporters and project-restricted API keys see only their projects'.
    """
    ctx.require(org_id)
    sql = "SELECT t.* FROM entity_tags t WHERE t.org_id = ? AND t.tag_key = ? AND t.tag_value = ?"
    params: tuple = (org_id, query.key, query.value)
    if query.entity_type is not None:
        sql += " AND t.entity_type = ?"
        params += (canonical_type(query.entity_type),)
    for key, value in parse_filter(query.tag):
        sql += (" AND EXISTS (SELECT 1 FROM entity_tags o WHERE o.org_id = t.org_id "
                "AND o.entity_type = t.entity_type AND o.entity_id = t.entity_id "
                "AND o.tag_key = ? AND o.tag_value = ?)")
        params += (key, value)
    visible, more = _visible(ctx, org_id)
    return keyset(ctx.db, f"{sql} AND {visible}", params + more, query, to_tag, alias="t")
