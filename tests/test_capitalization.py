"""A hand-computed month (March 2026): every number below was worked out by hand.

People and rates (cents/hour): Alice 12000 from 2026-01-01 and 13500 from 2026-03-16 (a
mid-month raise); Bob 9000 from 2026-02-01; Carol 9999 from 2026-01-01 and 10001 from
2026-03-01; Dave has no rate. Teams: Backend = Alice, Bob; Frontend = Bob.

Projects: DISC Capex/Preliminary/ENG-003, budget 100000 Fixed; LEG Capex/PostImplementation/
ENG-001, budget 200000 Monthly; OPS Opex/no phase/ENG-001, no budget; PAY Capex/
AppDevelopment/ENG-002, budget 1000000 Quarterly.

Approved March entries (minutes x rate / 60, half-up per entry):
 PAY  Alice 03-10 Coding       90 x 12000 = 18000   Capex  (tagged billable:true)
 PAY  Alice 03-20 Coding      100 x 13500 = 22500   Capex
 PAY  Alice 03-16 BugFixing    45 x 13500 = 10125   Capex  (new rate applies on its first day)
 PAY  Bob   03-05 CodeReview   50 x 9000  =  7500   Capex
 PAY  Bob   03-31 Meetings     25 x 9000  =  3750   Capex  (AppDevelopment)
 PAY  Carol 03-02 Training     30 x 10001 =  5000.5 -> 5001 Opex (always)
 LEG  Bob   03-12 BugFixing   120 x 9000  = 18000   Opex   (not AppDevelopment)
 LEG  Alice 03-13 Documentation 30 x 12000 = 6000   Capex
 LEG  Alice 03-13 Requirements 15 x 12000 =  3000   Opex   (not Preliminary)
 OPS  Carol 03-25 Coding      480 x 10001 = 80008   Opex   (Opex project)
 OPS  Dave  03-25 Maintenance  60 x none  =     0   Opex
 DISC Bob   03-03 Requirements 40 x 9000  =  6000   Capex  (Preliminary)
 DISC Bob   03-04 PM           20 x 9000  =  3000   Opex   (PM only in AppDevelopment)
Outside March (approved): PAY Alice 02-27 Coding 60 x 12000 = 12000 (in PAY's Q1 spend);
DISC Bob 02-10 Requirements 60 x 9000 = 9000 (in DISC's Fixed spend); PAY Bob 04-01 Coding 60
(in neither). Not approved (never counted): a Draft, a Submitted and a Rejected PAY entry.

Project finance fields, teams and tags are set up through the API like a user would.
"""

from __future__ import annotations

import sqlite3

import pytest

from alloy.actor import Actor
from alloy.client.local import LocalClient
from alloy.client.remote import RemoteClient
from tests.support import Server

HEADER = ("Period,Project,ProjectKey,Employee,Department,CostCenter,Hours,ActivityType,Phase,"
          "CapExOpEx,LoadedRate,Amount,Team,Tags,BudgetCents,SpentCents,Utilization")


def _db(server) -> sqlite3.Connection:
    from tests.pg import server_db

    if (pg_conn := server_db(server)) is not None:  # ALLOY_TEST_DB=postgres
        return pg_conn
    conn = sqlite3.connect(server.home / "data" / "alloy.db", timeout=30)
    conn.execute("PRAGMA busy_timeout = 30000")
    return conn


def _finance_columns(client, project_id: str, **cols) -> None:
    client.call("projects.update", project_id=project_id, body=cols)


def _teams(client, org_id: str, teams: dict[str, list[str]]) -> dict[str, str]:
    """Create teams with their members through the API: name -> id."""
    ids = {}
    for name, users in teams.items():
        ids[name] = client.call("teams.create", org_id=org_id, body={"name": name})["id"]
        for uid in users:
            client.call("teams.add_member", team_id=ids[name], body={"user_id": uid})
    return ids


def _tags(client, org_id: str, tags: list[tuple[str, str, str, str]]) -> None:
    for etype, eid, key, value in tags:
        client.call("tags.set", org_id=org_id, entity_type=etype, entity_id=eid,
                    body={"tags": [{"key": key, "value": value}]})


@pytest.fixture(scope="module")
def month(tmp_path_factory):
    srv = Server(tmp_path_factory.mktemp("capmonth"), ALLOY_REGISTRATION="open")
    anon = RemoteClient(srv.url)
    people = {}
    for name in ("Olivia", "Alice", "Bob", "Carol", "Dave"):
        people[name] = anon.call("auth.register", body={
            "email": f"{name.lower()}@fin.example", "password": "password123",
            "display_name": name})
    boss = RemoteClient(srv.url, people["Olivia"]["access_token"])
    org = boss.call("orgs.create", body={"name": "Fin", "slug": "fin-month"})
    boss = RemoteClient(srv.url, people["Olivia"]["access_token"], org_id=org["id"])
    uid = {n: p["user_id"] for n, p in people.items()}
    for name in ("Alice", "Bob", "Carol", "Dave"):
        boss.call("orgs.add_member", org_id=org["id"], body={"user_id": uid[name],
                                                              "role": "member"})
    for name, cents, day in (("Alice", 12000, "2026-01-01"), ("Alice", 13500, "2026-03-16"),
                             ("Bob", 9000, "2026-02-01"), ("Carol", 9999, "2026-01-01"),
                             ("Carol", 10001, "2026-03-01")):
        boss.call("laborrates.create", body={"user_id": uid[name], "org_id": org["id"],
                                             "loaded_rate_cents": cents, "effective_date": day})
    projects, tickets = {}, {}
    for key, name, cap, phase, cc, budget, period in (
            ("DISC", "Discovery", "Capex", "Preliminary", "ENG-003", 100000, "Fixed"),
            ("LEG", "Legacy Billing", "Capex", "PostImplementation", "ENG-001", 200000,
             "Monthly"),
            ("OPS", "Operations", "Opex", None, "ENG-001", None, None),
            ("PAY", "Payment Platform", "Capex", "AppDevelopment", "ENG-002", 1000000,
             "Quarterly")):
        p = boss.call("projects.create", body={"org_id": org["id"], "key": key, "name": name})
        _finance_columns(boss, p["id"], capitalization_type=cap, development_phase=phase,
                                cost_center_id=cc, budget_cents=budget, budget_period=period)
        projects[key] = p["id"]
        tickets[key] = boss.call("tickets.create", project_id=p["id"],
                                 body={"title": f"{key} work"})["id"]
    teams = _teams(boss, org["id"], {"Backend": [uid["Alice"], uid["Bob"]],
                                           "Frontend": [uid["Bob"]]})

    def log(key, who, day, activity, minutes, end="Approved"):
        e = boss.call("timeentries.create", body={
            "user_id": uid[who], "ticket_id": tickets[key], "date": day,
            "duration_minutes": minutes, "activity_type": activity})
        if end != "Draft":
            boss.call("timeentries.submit", entry_id=e["id"])
        if end == "Approved":
            boss.call("timeentries.approve", entry_id=e["id"])
        if end == "Rejected":
            boss.call("timeentries.reject", entry_id=e["id"], body={"reason": "no"})
        return e["id"]

    first = log("PAY", "Alice", "2026-03-10", "Coding", 90)
    log("PAY", "Alice", "2026-03-20", "coding", 100)
    log("PAY", "Alice", "2026-03-16", "bugfix", 45)
    log("PAY", "Bob", "2026-03-05", "Code Review", 50)
    log("PAY", "Bob", "2026-03-31", "Meeting", 25)
    log("PAY", "Carol", "2026-03-02", "training", 30)
    log("LEG", "Bob", "2026-03-12", "BugFixing", 120)
    log("LEG", "Alice", "2026-03-13", "docs", 30)
    log("LEG", "Alice", "2026-03-13", "Requirements", 15)
    log("OPS", "Carol", "2026-03-25", "Coding", 480)
    log("OPS", "Dave", "2026-03-25", "Maintenance", 60)
    log("DISC", "Bob", "2026-03-03", "research", 40)
    log("DISC", "Bob", "2026-03-04", "planning", 20)
    log("PAY", "Alice", "2026-02-27", "Coding", 60)
    log("DISC", "Bob", "2026-02-10", "Requirements", 60)
    log("PAY", "Bob", "2026-04-01", "Coding", 60)
    log("PAY", "Alice", "2026-03-11", "Coding", 600, end="Draft")
    log("PAY", "Alice", "2026-03-12", "Coding", 600, end="Submitted")
    log("PAY", "Bob", "2026-03-13", "Coding", 600, end="Rejected")
    _tags(boss, org["id"], [
        ("time_entry", first, "billable", "true"),
        ("project", projects["PAY"], "department", "engineering"),
        ("user", uid["Alice"], "department", "Engineering")])
    yield {"server": srv, "client": boss, "org": org["id"], "uid": uid, "teams": teams,
           "projects": projects, "token": people["Olivia"]["access_token"]}
    srv.stop()


def line(activity, hours, cents, cls):
    return {"activity_type": activity, "hours": hours, "amount_cents": cents,
            "classification": cls}


def project(pid, key, name, cap, phase, cc, hours, total, capex, opex, breakdown, **budget):
    return {"project_id": pid, "project_key": key, "project_name": name,
            "capitalization_type": cap, "development_phase": phase, "cost_center_id": cc,
            "total_hours": hours, "total_amount_cents": total, "capex_amount_cents": capex,
            "opex_amount_cents": opex, **budget, "breakdown": breakdown}


def expected_projects(p, budget: bool) -> list[dict]:
    def b(cents, period, spent, remaining, pct):
        if not budget:
            return {}
        return {"budget_cents": cents, "budget_period": period, "spent_cents": spent,
                "budget_remaining_cents": remaining, "budget_utilization_pct": pct}

    return [
        project(p["DISC"], "DISC", "Discovery", "Capex", "Preliminary", "ENG-003", 1.0, 9000,
                6000, 3000, [line("PM", 0.33, 3000, "Opex"),
                             line("Requirements", 0.67, 6000, "Capex")],
                **b(100000, "Fixed", 18000, 82000, 18.0)),
        project(p["LEG"], "LEG", "Legacy Billing", "Capex", "PostImplementation", "ENG-001",
                2.75, 27000, 6000, 21000, [line("BugFixing", 2.0, 18000, "Opex"),
                                           line("Documentation", 0.5, 6000, "Capex"),
                                           line("Requirements", 0.25, 3000, "Opex")],
                **b(200000, "Monthly", 27000, 173000, 13.5)),
        project(p["OPS"], "OPS", "Operations", "Opex", None, "ENG-001", 9.0, 80008, 0, 80008,
                [line("Coding", 8.0, 80008, "Opex"), line("Maintenance", 1.0, 0, "Opex")],
                **b(None, None, 80008, None, None)),
        project(p["PAY"], "PAY", "Payment Platform", "Capex", "AppDevelopment", "ENG-002", 5.67,
                66876, 61875, 5001, [line("BugFixing", 0.75, 10125, "Capex"),
                                     line("CodeReview", 0.83, 7500, "Capex"),
                                     line("Coding", 3.17, 40500, "Capex"),
                                     line("Meetings", 0.42, 3750, "Capex"),
                                     line("Training", 0.5, 5001, "Opex")],
                **b(1000000, "Quarterly", 78876, 921124, 7.89)),
    ]


def test_flat_report_to_the_cent(month):
    c, p = month["client"], month["projects"]
    got = c.call("reports.capitalization", query={"period": "2026-03"})
    assert got == {"period": "2026-03", "projects": expected_projects(p, budget=False)}
    got = c.call("reports.capitalization", query={"period": "2026-03", "include_budget": True})
    assert got == {"period": "2026-03", "projects": expected_projects(p, budget=True)}
    assert sum(x["total_amount_cents"] for x in got["projects"]) == 182884


def test_local_client_gives_the_same_report(month):
    from alloy.config import Settings
    from alloy.env import bootstrap

    srv = month["server"]
    env = bootstrap(Settings.from_env(ALLOY_DATABASE_URL=srv.env["ALLOY_DATABASE_URL"]),
                    migrate=False)
    local = LocalClient(env, Actor(user_id=month["uid"]["Olivia"], email="olivia@fin.example",
                                   org_id=month["org"]))
    for query in ({"period": "2026-03", "include_budget": True, "include_users": True},
                  {"period": "2026-03", "group_by": "team"}):
        assert local.call("reports.capitalization", query=query) == \
            month["client"].call("reports.capitalization", query=query)
    assert local.call("reports.capitalization_export", query={"period": "2026-03"}) == \
        month["client"].call("reports.capitalization_export", query={"period": "2026-03"})


def test_group_by_user_and_include_users(month):
    c, uid = month["client"], month["uid"]
    got = c.call("reports.capitalization", query={"period": "2026-03", "group_by": "user"})
    assert [(u["display_name"], u["user_id"], u["total_hours"], u["total_amount_cents"])
            for u in got["users"]] == [("Alice", uid["Alice"], 4.67, 59625),
                                       ("Bob", uid["Bob"], 4.25, 38250),
                                       ("Carol", uid["Carol"], 8.5, 85009),
                                       ("Dave", uid["Dave"], 1.0, 0)]
    alice = got["users"][0]["projects"]
    assert [(x["project_key"], x["total_hours"], x["total_amount_cents"]) for x in alice] == [
        ("LEG", 0.75, 9000), ("PAY", 3.92, 50625)]
    assert alice[1]["breakdown"] == [line("BugFixing", 0.75, 10125, "Capex"),
                                     line("Coding", 3.17, 40500, "Capex")]
    bob = got["users"][1]["projects"]
    assert [(x["project_key"], x["total_hours"], x["total_amount_cents"]) for x in bob] == [
        ("DISC", 1.0, 9000), ("LEG", 2.0, 18000), ("PAY", 1.25, 11250)]
    flat = c.call("reports.capitalization", query={"period": "2026-03", "include_users": True})
    pay = flat["projects"][3]
    assert [(u["display_name"], u["total_hours"], u["total_amount_cents"])
            for u in pay["users"]] == [("Alice", 3.92, 50625), ("Bob", 1.25, 11250),
                                       ("Carol", 0.5, 5001)]
    assert pay["users"][2]["breakdown"] == [line("Training", 0.5, 5001, "Opex")]


def test_group_by_team(month):
    c, teams = month["client"], month["teams"]
    got = c.call("reports.capitalization", query={"period": "2026-03", "group_by": "team",
                                                  "include_budget": True})
    assert [(t["team_id"], t["team_name"], t["total_hours"], t["total_amount_cents"])
            for t in got["teams"]] == [(teams["Backend"], "Backend", 8.92, 97875),
                                       (teams["Frontend"], "Frontend", 4.25, 38250),
                                       (None, "No team", 9.5, 85009)]
    frontend = got["teams"][1]["projects"]
    assert [(x["project_key"], x["total_amount_cents"], x["spent_cents"]) for x in frontend] \
        == [("DISC", 9000, 18000), ("LEG", 18000, 27000), ("PAY", 11250, 78876)]
    only = c.call("reports.capitalization", query={"period": "2026-03", "group_by": "team",
                                                   "team_id": teams["Frontend"]})
    assert [t["team_name"] for t in only["teams"]] == ["Frontend"]


def totals(report):
    return [(x["project_key"], x["total_hours"], x["total_amount_cents"])
            for x in report["projects"]]


def test_filters(month):
    c, uid, teams = month["client"], month["uid"], month["teams"]

    def run(**q):
        return totals(c.call("reports.capitalization", query={"period": "2026-03", **q}))

    assert run(cost_center_id="ENG-001") == [("LEG", 2.75, 27000), ("OPS", 9.0, 80008)]
    assert run(activity_type="coding") == [("OPS", 8.0, 80008), ("PAY", 3.17, 40500)]
    assert run(activity_type="Maintenance") == [("OPS", 1.0, 0)]
    assert run(user_id=uid["Alice"]) == [("LEG", 0.75, 9000), ("PAY", 3.92, 50625)]
    assert run(team_id=teams["Frontend"]) == [("DISC", 1.0, 9000), ("LEG", 2.0, 18000),
                                              ("PAY", 1.25, 11250)]
    assert run(tag="department:engineering") == [("PAY", 5.67, 66876)]
    assert run(tag="billable:true") == [("PAY", 1.5, 18000)]
    assert run(tag="department:engineering,billable:true") == [("PAY", 1.5, 18000)]
    assert run(tag="department:engineering,billable:false") == []
    assert run(cost_center_id="ENG-002", activity_type="Training") == [("PAY", 0.5, 5001)]
    assert c.call("reports.capitalization", query={"period": "2026-01"}) == {
        "period": "2026-01", "projects": []}


EXPECTED_CSV = [
    HEADER,
    "2026-03,Discovery,DISC,Bob,,ENG-003,0.33,PM,Preliminary,Opex,9000,3000,Backend;Frontend,,"
    "100000,18000,18.0",
    "2026-03,Discovery,DISC,Bob,,ENG-003,0.67,Requirements,Preliminary,Capex,9000,6000,"
    "Backend;Frontend,,100000,18000,18.0",
    "2026-03,Legacy Billing,LEG,Alice,Engineering,ENG-001,0.5,Documentation,PostImplementation,"
    "Capex,12000,6000,Backend,,200000,27000,13.5",
    "2026-03,Legacy Billing,LEG,Alice,Engineering,ENG-001,0.25,Requirements,PostImplementation,"
    "Opex,12000,3000,Backend,,200000,27000,13.5",
    "2026-03,Legacy Billing,LEG,Bob,,ENG-001,2.0,BugFixing,PostImplementation,Opex,9000,18000,"
    "Backend;Frontend,,200000,27000,13.5",
    "2026-03,Operations,OPS,Carol,,ENG-001,8.0,Coding,,Opex,10001,80008,,,,80008,",
    "2026-03,Operations,OPS,Dave,,ENG-001,1.0,Maintenance,,Opex,,0,,,,80008,",
    "2026-03,Payment Platform,PAY,Alice,Engineering,ENG-002,0.75,BugFixing,AppDevelopment,Capex,"
    "13500,10125,Backend,,1000000,78876,7.89",
    "2026-03,Payment Platform,PAY,Alice,Engineering,ENG-002,1.5,Coding,AppDevelopment,Capex,"
    "12000,18000,Backend,billable:true,1000000,78876,7.89",
    "2026-03,Payment Platform,PAY,Alice,Engineering,ENG-002,1.67,Coding,AppDevelopment,Capex,"
    "13500,22500,Backend,,1000000,78876,7.89",
    "2026-03,Payment Platform,PAY,Bob,,ENG-002,0.83,CodeReview,AppDevelopment,Capex,9000,7500,"
    "Backend;Frontend,,1000000,78876,7.89",
    "2026-03,Payment Platform,PAY,Bob,,ENG-002,0.42,Meetings,AppDevelopment,Capex,9000,3750,"
    "Backend;Frontend,,1000000,78876,7.89",
    "2026-03,Payment Platform,PAY,Carol,,ENG-002,0.5,Training,AppDevelopment,Opex,10001,5001,,,"
    "1000000,78876,7.89",
]


def test_csv_export_to_the_cent(month):
    srv = month["server"]
    r = srv.http.get("/api/v1/reports/capitalization/export", params={"period": "2026-03"},
                     headers={"Authorization": f"Bearer {month['token']}"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.text.splitlines() == EXPECTED_CSV
    assert sum(int(row.split(",")[11]) for row in EXPECTED_CSV[1:]) == 182884
    c = month["client"]
    eng = c.call("reports.capitalization_export",
                 query={"period": "2026-03", "cost_center_id": "ENG-001"}).splitlines()
    assert eng == [HEADER, *EXPECTED_CSV[3:8]]
    billable = c.call("reports.capitalization_export",
                      query={"period": "2026-03", "tag": "billable:true"}).splitlines()
    assert billable == [HEADER, EXPECTED_CSV[9]]
    by_team = c.call("reports.capitalization_export",
                     query={"period": "2026-03", "group_by": "team"}).splitlines()
    assert [row.split(",")[12] for row in by_team[1:]] == \
        ["Backend"] * 10 + ["Frontend"] * 5 + ["No team"] * 3
    assert c.call("reports.capitalization_export", query={"period": "2026-05"}) == HEADER + "\n"
