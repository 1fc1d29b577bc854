"""Ticket search (`tickets.search`): the query language (`alloy.domain.query`) in SQL.

Words go to the full-text index (`search_text`); each qualifier becomes one SQL condition
(`_CONDITIONS`). The tenant rules are the ticket list's: the org's members only, Reporters
within their projects, a restricted API key within its own (`projects.visible`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from alloy.context import Ctx
from alloy.domain.enums import CLOSED_CATEGORIES, PRIORITIES
from alloy.domain.flow import squash
from alloy.domain.page import Page, decode_cursor, encode_cursor
from alloy.domain.query import Filter, SearchQuery, bad, parse
from alloy.domain.values import SprintStatus, is_uuid
from alloy.domain.work import Ticket
from alloy.errors import Invalid, NotFound
from alloy.services import projects, search_text
from alloy.services.tickets import to_ticket


def squashed(column: str) -> str:
    """SQL for a status column compared as `alloy.domain.flow.squash` compares names."""
    return f"REPLACE(REPLACE(REPLACE(LOWER({column}), ' ', ''), '_', ''), '-', '')"


def _marks(values) -> str:
    return ", ".join("?" for _ in values)


class _Compiler:
    """Turns filters into SQL conditions on tickets `t` of one org, reading what it needs."""

    def __init__(self, ctx: Ctx, org_id: str) -> None:
        self.ctx, self.org_id = ctx, org_id
        self._closed: tuple[str, tuple] | None = None

    def closed(self, alias: str) -> tuple[str, tuple]:
        """Whether `alias`'s status is in a done or cancelled category of its workflow."""
        if self._closed is None:
            from alloy.services import workflows

            groups: dict[frozenset, list[str]] = {}
            for project_id, cats in workflows.category_maps(self.ctx, self.org_id).items():
                done = frozenset(k for k, c in cats.items() if c in CLOSED_CATEGORIES)
                if done:
                    groups.setdefault(done, []).append(project_id)
            parts, params = [], ()
            for done, ids in groups.items():
                parts.append(f"({{a}}.project_id IN ({_marks(ids)}) "
                             f"AND {squashed('{a}.status')} IN ({_marks(done)}))")
                params += (*ids, *sorted(done))
            self._closed = (" OR ".join(parts) or "1 = 0", params)
        sql, params = self._closed
        return "(" + sql.replace("{a}", alias) + ")", params

    def condition(self, f: Filter) -> tuple[str, tuple]:
        sql, params = _CONDITIONS[f.name](self, f)
        if f.negated:
            sql = f"NOT COALESCE(({sql}), 1 = 0)"
        return sql, params

    # one method per qualifier -------------------------------------------------------------
    def is_(self, f: Filter) -> tuple[str, tuple]:
        sql, params = self.closed("t")
        return (sql if f.values[0] == "closed" else f"NOT {sql}"), params

    def status(self, f: Filter) -> tuple[str, tuple]:
        wanted = sorted({squash(v) for v in f.values})
        return f"{squashed('t.status')} IN ({_marks(wanted)})", tuple(wanted)

    def priority(self, f: Filter) -> tuple[str, tuple]:
        if f.op == "=":
            wanted = f.values
        else:
            at = PRIORITIES.index(f.values[0])
            keep = {">": lambda i: i > at, ">=": lambda i: i >= at, "<": lambda i: i < at,
                    "<=": lambda i: i <= at}[f.op]
            wanted = tuple(p for i, p in enumerate(PRIORITIES) if keep(i))
        return (f"t.priority IN ({_marks(wanted)})", wanted) if wanted else ("1 = 0", ())

    def assignee(self, f: Filter) -> tuple[str, tuple]:
        ids, unassigned = [], False
        for value in f.values:
            if value.lower() in ("@me", "me"):
                ids.append(self.ctx.user_id)
            elif value.lower() == "none":
                unassigned = True
            elif is_uuid(value):
                ids.append(value)
            else:
                found = self.ctx.db.value(
                    "SELECT u.id FROM users u JOIN org_members m ON m.user_id = u.id "
                    "AND m.org_id = ? WHERE lower(u.email) = lower(?)", self.org_id, value)
                if found is None:
                    raise bad(f.token, f'no member of this organization has the email "{value}"'
                              if "@" in value else "expected @me, an email or none")
                ids.append(found)
        parts = [f"t.assignee_id IN ({_marks(ids)})"] if ids else []
        if unassigned:
            parts.append("t.assignee_id IS NULL")
        return " OR ".join(parts), tuple(ids)

    def label(self, f: Filter) -> tuple[str, tuple]:
        names = tuple(v.lower() for v in f.values)
        return ("EXISTS (SELECT 1 FROM ticket_labels tl JOIN labels l ON l.id = tl.label_id "
                f"WHERE tl.ticket_id = t.id AND lower(l.name) IN ({_marks(names)}))", names)

    def project(self, f: Filter) -> tuple[str, tuple]:
        keys = tuple(v.upper() for v in f.values)
        visible, params = projects.visible(self.ctx, self.org_id, "id")  # none to hint at
        rows = self.ctx.db.all(f"SELECT id, key FROM projects WHERE org_id = ? "
                               f"AND key IN ({_marks(keys)}){visible}", self.org_id, *keys,
                               *params)
        missing = set(keys) - {r["key"] for r in rows}
        if missing:
            raise bad(f.token, f'no project with key "{sorted(missing)[0]}" in this organization')
        ids = tuple(r["id"] for r in rows)
        return f"t.project_id IN ({_marks(ids)})", ids

    def sprint(self, f: Filter) -> tuple[str, tuple]:
        parts, params = [], ()
        names = [v.lower() for v in f.values if v.lower() not in ("current", "none")]
        if any(v.lower() == "current" for v in f.values):
            parts.append("t.sprint_id IN (SELECT id FROM sprints WHERE project_id = t.project_id "
                         "AND status = ?)")
            params += (SprintStatus.Active.value,)
        if any(v.lower() == "none" for v in f.values):
            parts.append("t.sprint_id IS NULL")
        if names:
            parts.append(f"t.sprint_id IN (SELECT id FROM sprints WHERE org_id = ? "
                         f"AND lower(name) IN ({_marks(names)}))")
            params += (self.org_id, *names)
        return " OR ".join(parts), params

    def created(self, f: Filter) -> tuple[str, tuple]:
        return _when("t.created_at", f)

    def updated(self, f: Filter) -> tuple[str, tuple]:
        return _when("t.updated_at", f)

    def tag(self, f: Filter) -> tuple[str, tuple]:
        sql = ("EXISTS (SELECT 1 FROM entity_tags g WHERE g.org_id = ? AND g.entity_type = "
               "'ticket' AND g.entity_id = t.id AND g.tag_key = ?")
        if len(f.values) == 2:
            return sql + " AND g.tag_value = ?)", (self.org_id, *f.values)
        return sql + ")", (self.org_id, f.values[0])

    def has(self, f: Filter) -> tuple[str, tuple]:
        return _HAS[f.values[0]], ()

    def no(self, f: Filter) -> tuple[str, tuple]:
        return f"NOT ({_HAS[f.values[0]]})", ()

    def blocked(self, f: Filter) -> tuple[str, tuple]:
        closed, params = self.closed("b")
        sql = ("EXISTS (SELECT 1 FROM ticket_relations r JOIN tickets b ON b.id = r.source_id "
               f"WHERE r.target_id = t.id AND r.kind = 'blocks' AND NOT {closed})")
        return (sql if f.values[0] == "true" else f"NOT {sql}"), params


_CONDITIONS = {"is": _Compiler.is_, **{name: getattr(_Compiler, name) for name in (
    "status", "priority", "assignee", "label", "project", "sprint", "created", "updated",
    "tag", "has", "no", "blocked")}}

_HAS = {"assignee": "t.assignee_id IS NOT NULL", "sprint": "t.sprint_id IS NOT NULL",
        "parent": "t.parent_id IS NOT NULL",
        "label": "EXISTS (SELECT 1 FROM ticket_labels hl WHERE hl.ticket_id = t.id)",
        "children": "EXISTS (SELECT 1 FROM tickets hc WHERE hc.parent_id = t.id)",
        "comments": "EXISTS (SELECT 1 FROM comments hm WHERE hm.ticket_id = t.id)"}

_UNITS = {"h": "hours", "d": "days", "w": "weeks"}


def _when(column: str, f: Filter) -> tuple[str, tuple]:
    """A date bounds whole UTC days (`>2026-11-01` is from Nov 2 on); an age (`<7d`) compares
    how long ago: `updated:<7d` is "within the last seven days"."""
    value = f.values[0]
    if value[-1] in _UNITS:
        from alloy.domain.values import iso

        cutoff = iso(datetime.now(UTC) - timedelta(**{_UNITS[value[-1]]: int(value[:-1])}))
        sql = {"<": ">", "=": ">=", "<=": ">=", ">": "<", ">=": "<="}[f.op]
        return f"{column} {sql} ?", (cutoff,)
    day = date.fromisoformat(value)
    start, end = day.isoformat(), (day + timedelta(days=1)).isoformat()
    return {">": (f"{column} >= ?", (end,)), ">=": (f"{column} >= ?", (start,)),
            "<": (f"{column} < ?", (start,)), "<=": (f"{column} < ?", (end,)),
            "=": (f"{column} >= ? AND {column} < ?", (start, end))}[f.op]


_PRIORITY_RANK = "CASE t.priority " + " ".join(
    f"WHEN '{p}' THEN {i}" for i, p in enumerate(PRIORITIES)) + " END"


def _order(key: str, descending: bool, score: str | None) -> str:
    """ORDER BY for a sort; ties go to the most recently updated (ids are time-ordered)."""
    way = "DESC" if descending else "ASC"
    recent = "t.updated_at DESC, t.id DESC"
    if key == "relevance":
        return f"{score} DESC, {recent}" if score else recent
    if key in ("created", "updated"):
        return f"t.{key}_at {way}, t.id {way}"
    if key == "priority":
        return f"{_PRIORITY_RANK} {way}, {recent}"
    return f"p.key {way}, t.ticket_number {way}"


def _offset(cursor: str | None) -> int:
    raw = decode_cursor(cursor)
    if raw is None:
        return 0
    if not raw.startswith("@") or not raw[1:].isdigit():
        raise Invalid("invalid cursor", [{"field": "cursor", "message": "not a search cursor"}])
    return int(raw[1:])


def _scope(ctx: Ctx, org_id: str, ref: str | None) -> tuple[str, tuple]:
    """The `project_id` parameter (UUID or key): 404 outside the org, 403 when not allowed."""
    if not ref:
        return "", ()
    project = projects.fetch(ctx, ref) if is_uuid(ref) else ctx.db.one(
        "SELECT * FROM projects WHERE org_id = ? AND key = ?", org_id, ref.upper())
    if project is None or project["org_id"] != org_id:
        raise NotFound(f"project '{ref}' not found")
    projects.check_access(ctx, project)
    return " AND t.project_id = ?", (project["id"],)


def run(ctx: Ctx, org_id: str, query: SearchQuery) -> Page[Ticket]:
    """One page of `query`'s tickets in `org_id`, for `tickets.search`."""
    parsed = parse(query.q)
    visible, params = projects.visible(ctx, org_id, "t.project_id")
    scoped, scope_params = _scope(ctx, org_id, query.project_id)
    text = search_text.match(ctx.db.dialect, parsed.terms)
    compiler = _Compiler(ctx, org_id)
    where, where_params = "", ()
    for f in parsed.filters:
        sql, extra = compiler.condition(f)
        where += f" AND ({sql})"
        where_params += extra
    key, descending = parsed.order()
    offset = _offset(query.cursor)
    rows = ctx.db.all(
        f"SELECT t.*, p.key AS project_key FROM tickets t JOIN projects p ON p.id = t.project_id"
        f"{text.join} WHERE t.org_id = ?{visible}{scoped}{text.where}{where} "
        f"ORDER BY {_order(key, descending, text.score)} LIMIT {query.limit + 1} OFFSET {offset}",
        *text.join_params, org_id, *params, *scope_params, *text.where_params, *where_params)
    more = len(rows) > query.limit
    rows = rows[:query.limit]
    return Page(items=[to_ticket(r, r["project_key"]) for r in rows],
                next_cursor=encode_cursor(f"@{offset + len(rows)}") if more else None,
                has_more=more)

