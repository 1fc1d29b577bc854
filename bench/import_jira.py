"""Import of a large Jira export, timed beside a bare sqlite3 insert of the same rows.

    .venv/bin/python bench/import_jira.py [--issues 10000] [--runs 1]

Generates a REST v3 search export in the real shape (ADF descriptions and comments,
worklogs, fix versions, components, labels, people with and without email), then times in
one run:
- convert: `alloy.domain.imports_jira.convert_jira` alone (in process);
- alloy import: `alloy import FILE --from jira` on a fresh embedded database, end to end
  (start-up, conversion, the import's one unit of work);
- baseline: plain sqlite3 inserting the same tickets, comments and worklogs (one transaction,
  no rules), the floor any importer sits on.
Figures only; nothing asserts.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
STATUSES = [("To Do", "new"), ("In Progress", "indeterminate"), ("In Review", "indeterminate"),
            ("Done", "done")]


def adf(text: str) -> dict:
    return {"type": "doc", "version": 1, "content": [
        {"type": "paragraph", "content": [{"type": "text", "text": text}]}]}


def person(i: int) -> dict:
    if i % 17 == 0:
        return {"accountId": f"acc{i % 40}", "displayName": f"Contractor {i % 40}"}
    return {"accountId": f"acc{i % 40}", "emailAddress": f"dev{i % 40}@jira.example",
            "displayName": f"Dev {i % 40}"}


def generate(n: int) -> dict:
    issues = []
    for i in range(1, n + 1):
        name, cat = STATUSES[i % len(STATUSES)]
        issues.append({"id": str(10000 + i), "key": f"BIG-{i}", "fields": {
            "project": {"key": "BIG", "name": "Big Project"},
            "summary": f"Issue number {i}: fix the thing",
            "description": adf(f"Steps to reproduce issue {i}.\nExpected: it works."),
            "status": {"name": name, "statusCategory": {"key": cat}},
            "priority": {"name": ["Highest", "High", "Medium", "Low"][i % 4]},
            "issuetype": {"name": ["Bug", "Task", "Story"][i % 3]},
            "labels": [f"area{i % 7}"], "components": [{"name": f"comp{i % 5}"}],
            "fixVersions": [{"name": f"v{i % 12}", "released": i % 12 < 6,
                             "startDate": "2026-01-01", "releaseDate": "2026-02-01"}],
            "assignee": person(i), "reporter": person(i + 1),
            "created": "2026-01-02T09:30:00.000+0000", "updated": "2026-01-03T10:00:00.000+0000",
            "comment": {"comments": [{"author": person(i + 2), "body": adf(f"Comment {j}"),
                                      "created": "2026-01-02T11:00:00.000+0000"}
                                     for j in range(i % 3)]},
            "worklog": {"worklogs": [{"author": person(i), "timeSpentSeconds": 3600,
                                      "started": "2026-01-03T08:00:00.000+0000"}
                                     for _ in range(i % 2)]}}})
    return {"startAt": 0, "maxResults": n, "total": n, "issues": issues}


def baseline(export: dict, path: Path) -> float:
    start = time.perf_counter()
    db = sqlite3.connect(path)
    db.executescript("""
        CREATE TABLE tickets (id INTEGER PRIMARY KEY, key TEXT, title TEXT, description TEXT,
                              status TEXT, priority TEXT, assignee TEXT, created_at TEXT);
        CREATE TABLE comments (id INTEGER PRIMARY KEY, ticket_id INTEGER, author TEXT, body TEXT);
        CREATE TABLE worklogs (id INTEGER PRIMARY KEY, ticket_id INTEGER, author TEXT,
                               minutes INTEGER);""")
    with db:
        for issue in export["issues"]:
            f = issue["fields"]
            tid = db.execute("INSERT INTO tickets (key, title, description, status, priority, "
                             "assignee, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                             (issue["key"], f["summary"], json.dumps(f["description"]),
                              f["status"]["name"], f["priority"]["name"],
                              f["assignee"].get("emailAddress"), f["created"])).lastrowid
            db.executemany("INSERT INTO comments (ticket_id, author, body) VALUES (?, ?, ?)",
                           [(tid, c["author"].get("emailAddress"), json.dumps(c["body"]))
                            for c in f["comment"]["comments"]])
            db.executemany("INSERT INTO worklogs (ticket_id, author, minutes) VALUES (?, ?, ?)",
                           [(tid, w["author"].get("emailAddress"), w["timeSpentSeconds"] // 60)
                            for w in f["worklog"]["worklogs"]])
    db.close()
    return time.perf_counter() - start


def alloy_import(file: Path, home: Path) -> tuple[float, dict]:
    env = {**os.environ, "ALLOY_DATA_DIR": str(home / "data"),
           "ALLOY_CONFIG_DIR": str(home / "config"), "ALLOY_FORMAT": "json"}
    subprocess.run([str(BIN / "alloy"), "onboard", "--email", "bench@example.com",
                    "--password", "password123", "--org-name", "Bench", "--org-slug", "bench"],
                   env=env, check=True, capture_output=True)
    start = time.perf_counter()
    proc = subprocess.run([str(BIN / "alloy"), "import", str(file), "--from", "jira"], env=env,
                          capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(proc.stderr)
    return elapsed, json.loads(proc.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--issues", type=int, default=10000)
    args = parser.parse_args()
    from alloy.domain.imports_jira import convert_jira

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        export = generate(args.issues)
        file = tmp / "jira.json"
        file.write_text(json.dumps(export))
        mb = file.stat().st_size / 1e6
        start = time.perf_counter()
        convert_jira(export)
        convert = time.perf_counter() - start
        bare = baseline(export, tmp / "bare.db")
        took, result = alloy_import(file, tmp)
        s = result["summary"]
        print(f"Jira export: {args.issues} issues, {s['comments_created']} comments, "
              f"{s['time_entries_created']} worklogs, {mb:.1f} MB "
              f"({len(result['warnings'])} warnings)")
        print(f"{'step':<34}{'seconds':>9}{'per issue':>12}{'x bare':>9}")
        for name, secs in [("bare sqlite3 insert (baseline)", bare),
                           ("convert_jira (in process)", convert),
                           ("alloy import --from jira (CLI)", took)]:
            print(f"{name:<34}{secs:>9.2f}{secs / args.issues * 1000:>10.2f}ms"
                  f"{secs / bare:>8.1f}x")


if __name__ == "__main__":
    main()
