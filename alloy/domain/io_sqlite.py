"""An AlloyExport as a self-contained SQLite database (`GET /api/v1/export?format=sqlite`).

Same human-readable keys as the JSON (emails, project keys, ticket keys, names), one table
per kind of thing, so any SQLite client can query it without knowing Alloy.
"""

from __future__ import annotations

import json
import sqlite3

from alloy.domain.io import AlloyExport

SCHEMA = """
CREATE TABLE export_meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE users (email TEXT PRIMARY KEY, display_name TEXT, role TEXT);
CREATE TABLE labels (name TEXT PRIMARY KEY, color TEXT NOT NULL);
CREATE TABLE workflows (name TEXT PRIMARY KEY, enforcement TEXT NOT NULL,
    is_default INTEGER NOT NULL, statuses TEXT NOT NULL, transitions TEXT NOT NULL);
CREATE TABLE projects (key TEXT PRIMARY KEY, name TEXT NOT NULL, description TEXT,
    workflow TEXT, capitalization_type TEXT, development_phase TEXT, cost_center_id TEXT,
    amortization_months INTEGER, budget_cents INTEGER, budget_period TEXT);
CREATE TABLE project_members (project_key TEXT NOT NULL, user_email TEXT NOT NULL,
    PRIMARY KEY (project_key, user_email));
CREATE TABLE sprints (project_key TEXT NOT NULL, name TEXT NOT NULL, goal TEXT,
    start_date TEXT NOT NULL, end_date TEXT NOT NULL, status TEXT NOT NULL,
    started_at TEXT, completed_at TEXT);
CREATE TABLE tickets (key TEXT PRIMARY KEY, project_key TEXT NOT NULL, number INTEGER,
    title TEXT NOT NULL, description TEXT, status TEXT, priority TEXT NOT NULL,
    assignee_email TEXT, reporter_email TEXT, sprint TEXT, created_at TEXT, updated_at TEXT);
CREATE TABLE ticket_labels (ticket_key TEXT NOT NULL, label_name TEXT NOT NULL,
    PRIMARY KEY (ticket_key, label_name));
CREATE TABLE comments (id INTEGER PRIMARY KEY, ticket_key TEXT NOT NULL, author_email TEXT,
    body TEXT NOT NULL, parent_id INTEGER REFERENCES comments(id), created_at TEXT);
CREATE TABLE time_entries (id INTEGER PRIMARY KEY, ticket_key TEXT NOT NULL,
    user_email TEXT, date TEXT NOT NULL, duration_minutes INTEGER NOT NULL,
    description TEXT, activity_type TEXT NOT NULL, status TEXT NOT NULL,
    approved_by_email TEXT, approved_at TEXT, rejection_reason TEXT);
"""


def to_sqlite(data: AlloyExport, meta: dict | None = None) -> bytes:
    """The export as the bytes of a SQLite database file."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.executescript(SCHEMA)
        _fill(conn, data, meta or {})
        conn.commit()
        return conn.serialize()
    finally:
        conn.close()


def _fill(conn: sqlite3.Connection, data: AlloyExport, meta: dict) -> None:
    ins = conn.execute
    for key, value in {"version": data.version, "source": data.source,
                       "exported_at": data.exported_at, **meta}.items():
        ins("INSERT INTO export_meta VALUES (?, ?)", (key, None if value is None else str(value)))
    for u in data.users:
        ins("INSERT INTO users VALUES (?, ?, ?)", (u.email, u.display_name, u.role))
    for lb in data.labels:
        ins("INSERT INTO labels VALUES (?, ?)", (lb.name, lb.color))
    for w in data.workflows:
        ins("INSERT INTO workflows VALUES (?, ?, ?, ?, ?)", (
            w.name, w.enforcement, int(w.is_default),
            json.dumps([{"name": s.name, "category": s.category} for s in w.statuses]),
            json.dumps([{"from": t.from_, "to": t.to} for t in w.transitions])))
    comment_id = entry_id = 0
    for p in data.projects:
        ins("INSERT INTO projects VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (
            p.key, p.name, p.description, p.workflow, p.capitalization_type,
            p.development_phase, p.cost_center_id, p.amortization_months, p.budget_cents,
            p.budget_period))
        for email in p.members:
            ins("INSERT OR IGNORE INTO project_members VALUES (?, ?)", (p.key, email))
        for s in p.sprints:
            ins("INSERT INTO sprints VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (
                p.key, s.name, s.goal, s.start_date, s.end_date, s.status, s.started_at,
                s.completed_at))
        for t in p.tickets:
            key = t.key or f"{p.key}-{t.number}"
            ins("INSERT INTO tickets VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (
                key, p.key, t.number, t.title, t.description, t.status, t.priority,
                t.assignee, t.reporter, t.sprint, t.created_at, t.updated_at))
            for name in t.labels:
                ins("INSERT OR IGNORE INTO ticket_labels VALUES (?, ?)", (key, name))
            first = comment_id + 1
            for c in t.comments:
                comment_id += 1
                parent = None if c.parent is None else first + c.parent
                ins("INSERT INTO comments VALUES (?, ?, ?, ?, ?, ?)", (
                    comment_id, key, c.author, c.body, parent, c.created_at))
            for e in t.time_entries:
                entry_id += 1
                ins("INSERT INTO time_entries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (
                    entry_id, key, e.user, e.date, e.duration_minutes, e.description,
                    e.activity_type, e.status, e.approved_by, e.approved_at,
                    e.rejection_reason))
