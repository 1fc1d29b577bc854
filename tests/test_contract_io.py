"""Export and import behave the same embedded and remote (including the SQLite bytes)."""

from __future__ import annotations

import sqlite3

from tests.contract import LocalSide, RemoteSide, normalize


def scenario_io(side, tag: str) -> list:
    seen = []
    alice = side.anon.call("auth.register", body={
        "email": f"io-alice-{tag}@example.com", "password": "password123",
        "display_name": "Alice"})
    viewer = side.anon.call("auth.register", body={
        "email": f"io-vic-{tag}@example.com", "password": "password123", "display_name": "Vic"})
    a0 = side.as_user(alice["access_token"])
    org = a0.call("orgs.create", body={"name": "IO", "slug": f"io-{tag}"})
    dest = a0.call("orgs.create", body={"name": "IO copy", "slug": f"io-copy-{tag}"})
    a = side.as_user(alice["access_token"], org["id"])
    v = side.as_user(viewer["access_token"], org["id"])
    a.call("orgs.add_member", org_id=org["id"], body={"user_id": viewer["user_id"],
                                                      "role": "viewer"})
    p = a.call("projects.create", body={"org_id": org["id"], "key": "IO", "name": "Data"})
    t = a.call("tickets.create", project_id=p["id"], body={"title": "Move", "priority": "high"})
    a.call("comments.create", ticket_id=t["id"], body={"body": "portable"})
    data = a.call("io.export_data", query={"org_id": org["id"]})
    seen.append(data)
    seen.append(v.call("io.export_data", query={"project": "IO"}))
    blob = a.call("io.export_data", query={"org_id": org["id"], "format": "sqlite"})
    conn = sqlite3.connect(":memory:")
    conn.deserialize(blob)
    seen.append(conn.execute("SELECT key, title, priority FROM tickets").fetchall())
    seen.append(a.attempt("io.export_data", query={"org_id": org["id"], "format": "pdf"}))
    seen.append(a.call("io.import_data", body=data, query={"org_id": dest["id"],
                                                           "dry_run": True}))
    seen.append(a.call("io.import_data", body=data, query={"org_id": dest["id"]}))
    seen.append(a.call("io.import_data", body=data, query={"org_id": dest["id"]}))
    seen.append(a.attempt("io.import_data", body={**data, "version": 99}))
    seen.append(v.attempt("io.import_data", body=data))
    seen.append(v.attempt("io.import_data", body=data, query={"org_id": dest["id"]}))  # now Viewer
    outsider = side.anon.call("auth.register", body={
        "email": f"io-out-{tag}@example.com", "password": "password123", "display_name": "Out"})
    o = side.as_user(outsider["access_token"])
    seen.append(o.attempt("io.import_data", body=data, query={"org_id": org["id"]}))
    seen.append(o.attempt("io.export_data", query={"org_id": org["id"]}))
    return seen


def test_io_contract(server, tmp_path):
    local = scenario_io(LocalSide(tmp_path), "c1")
    remote = scenario_io(RemoteSide(server), "c1")
    assert normalize(local) == normalize(remote)
    assert local[2] == [("IO-1", "Move", "High")]
    assert local[-5:] == [{"error": "VALIDATION_ERROR", "status": 422},
                          {"error": "FORBIDDEN", "status": 403},
                          {"error": "FORBIDDEN", "status": 403},
                          {"error": "NOT_FOUND", "status": 404},
                          {"error": "NOT_FOUND", "status": 404}]
