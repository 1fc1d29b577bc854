"""Time tracking, labor rates and reports behave the same embedded and remote."""

from __future__ import annotations

from tests.contract import LocalSide, RemoteSide, normalize


def scenario_time(side, tag: str) -> list:
    seen = []
    alice = side.anon.call("auth.register", body={
        "email": f"t-alice-{tag}@example.com", "password": "password123",
        "display_name": "Alice"})
    bob = side.anon.call("auth.register", body={
        "email": f"t-bob-{tag}@example.com", "password": "password123", "display_name": "Bob"})
    a0 = side.as_user(alice["access_token"])
    org = a0.call("orgs.create", body={"name": "Time", "slug": f"time-{tag}"})
    a = side.as_user(alice["access_token"], org["id"])
    b = side.as_user(bob["access_token"], org["id"])
    a.call("orgs.add_member", org_id=org["id"], body={"user_id": bob["user_id"],
                                                      "role": "member"})
    p = a.call("projects.create", body={"org_id": org["id"], "key": "TT", "name": "Time",
                                        "budget_cents": 100000, "budget_period": "Monthly"})
    t = a.call("tickets.create", project_id=p["id"], body={"title": "Work"})
    body = {"ticket_id": t["id"], "date": "2026-03-10", "duration_minutes": 90,
            "activity_type": "coding", "description": "first"}
    e1 = a.call("timeentries.create", body=body)
    seen.append(e1)
    seen.append(a.attempt("timeentries.create", body={**body, "duration_minutes": 0,
                                                      "date": "2026-02-30"}))
    e2 = b.call("timeentries.create", body={**body, "activity_type": "Meeting",
                                            "duration_minutes": 45})
    seen.append(e2)
    seen.append(b.attempt("timeentries.update", entry_id=e1["id"],
                          body={"duration_minutes": 10}))
    seen.append(a.call("timeentries.update", entry_id=e1["id"],
                       body={"duration_minutes": 100, "description": None}))
    seen.append(a.call("timeentries.get", entry_id=e1["id"]))
    seen.append(a.call("timeentries.list_for_ticket", ticket_id=t["id"]))
    seen.append(a.call("timeentries.list_for_ticket", ticket_id=t["id"],
                       query={"user_id": bob["user_id"], "limit": 1}))
    seen.append(a.call("timeentries.list_for_user", user_id=bob["user_id"],
                       query={"org_id": org["id"], "date": "2026-03-10"}))
    seen.append(a.call("timeentries.submit", entry_id=e1["id"]))
    seen.append(b.call("timeentries.submit", entry_id=e2["id"]))
    seen.append(a.call("timeentries.submitted", query={"org_id": org["id"]}))
    seen.append(b.attempt("timeentries.approve", entry_id=e1["id"]))
    seen.append(a.call("timeentries.approve", entry_id=e1["id"]))
    seen.append(a.call("timeentries.reject", entry_id=e2["id"], body={"reason": "ticket?"}))
    seen.append(b.call("timeentries.update", entry_id=e2["id"], body={"activity_type": "PM"}))
    seen.append(b.call("timeentries.submit", entry_id=e2["id"]))
    seen.append(a.call("timeentries.approve", entry_id=e2["id"]))
    e3 = b.call("timeentries.create", body=body)
    seen.append(b.call("timeentries.delete", entry_id=e3["id"]))
    seen.append(b.attempt("timeentries.get", entry_id=e3["id"]))
    seen.append(a.attempt("timeentries.delete", entry_id=e1["id"]))
    for who, cents, day in ((alice, 12000, "2026-01-01"), (alice, 15000, "2026-03-11"),
                            (bob, 9000, "2026-03-01")):
        seen.append(a.call("laborrates.create", body={
            "user_id": who["user_id"], "org_id": org["id"], "loaded_rate_cents": cents,
            "effective_date": day}))
    seen.append(b.attempt("laborrates.create", body={
        "user_id": bob["user_id"], "org_id": org["id"], "loaded_rate_cents": 1,
        "effective_date": "2026-01-01"}))
    seen.append(a.call("laborrates.get", rate_id=seen[-2]["id"]))
    seen.append(a.call("laborrates.current", user_id=alice["user_id"], org_id=org["id"],
                       query={"date": "2026-03-10"}))
    seen.append(a.attempt("laborrates.current", user_id=bob["user_id"], org_id=org["id"],
                          query={"date": "2025-01-01"}))
    seen.append(a.call("laborrates.history", user_id=alice["user_id"], org_id=org["id"]))
    seen.append(b.attempt("laborrates.history", user_id=alice["user_id"], org_id=org["id"]))
    for query in ({}, {"include_budget": True, "include_users": True}, {"group_by": "user"},
                  {"group_by": "team"}, {"activity_type": "PM"}, {"tag": "a:b"},
                  {"user_id": bob["user_id"]}):
        seen.append(b.call("reports.capitalization",
                           query={"period": "2026-03", "org_id": org["id"], **query}))
    seen.append(a.attempt("reports.capitalization", query={"period": "March"}))
    seen.append(b.call("reports.capitalization_export",
                       query={"period": "2026-03", "org_id": org["id"]}))
    seen.append(b.call("reports.capitalization_export",
                       query={"period": "2026-03", "org_id": org["id"], "group_by": "team"}))
    seen.append(a.attempt("reports.capitalization_export",
                          query={"period": "2026-03", "format": "pdf"}))
    return seen


def test_time_contract(server, tmp_path):
    local = scenario_time(LocalSide(tmp_path), "c1")
    remote = scenario_time(RemoteSide(server), "c1")
    assert normalize(local) == normalize(remote)
    assert {"error": "FORBIDDEN", "status": 403} in local
    csv = local[-3].splitlines()
    assert csv[1] == ("2026-03,Time,TT,Alice,,,1.67,Coding,,Opex,12000,20000,,,100000,"
                      "26750,26.75")
    assert csv[2] == "2026-03,Time,TT,Bob,,,0.75,PM,,Opex,9000,6750,,,100000,26750,26.75"
