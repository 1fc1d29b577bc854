"""Issue 16's API gaps, the same embedded and remote: health and version fields, invites'
`revoked_at`, `group_by=project`, the user-path labor-rate POST, a project's time entries,
personal orgs that take no slug a team wants, and one org per capitalization report."""

from __future__ import annotations

from tests.contract import LocalSide, RemoteSide, normalize


def scenario_conformance(side, tag: str) -> list:
    seen = []
    health = side.anon.call("system.health")
    assert health["service"] == "alloy" and health["database"] in ("sqlite", "postgresql")
    assert health["db_healthy"] is True and health["migration_version"] >= "0095"
    assert isinstance(health["uptime_seconds"], int) and health["uptime_seconds"] >= 0
    version = side.anon.call("system.version")
    assert version["service"] == "alloy" and version["profile"] in ("release", "development")
    seen += [health, version]

    # Registration makes a personal org whose slug no team can want...
    alice = side.anon.call("auth.register", body={
        "email": f"c16alice{tag}@example.com", "password": "password123",
        "display_name": "Alice"})
    a0 = side.as_user(alice["access_token"])
    personal = a0.call("orgs.get", org_id=alice["org_id"])
    assert personal["slug"] == f"~c16alice{tag}" and personal["personal"] is True
    # ...so a team org may be called after the person (409 before).
    org = a0.call("orgs.create", body={"name": "Alice Co", "slug": f"c16alice{tag}"})
    assert org["slug"] == f"c16alice{tag}" and org["personal"] is False
    seen += [personal, org, a0.attempt("orgs.create", body={"name": "X", "slug": f"~c16{tag}"})]

    a = side.as_user(alice["access_token"], org["id"])
    invite = a.call("invites.create", org_id=org["id"], body={"role": "member"})
    assert invite["revoked_at"] is None
    a.call("invites.revoke", org_id=org["id"], invite_id=invite["id"])
    [listed] = a.call("invites.list", org_id=org["id"])["items"]
    assert listed["status"] == "revoked" and listed["revoked_at"] is not None
    seen.append(listed)

    p = a.call("projects.create", body={"org_id": org["id"], "key": "CF", "name": "Conf"})
    t = a.call("tickets.create", project_id=p["id"], body={"title": "Work"})
    entries = [a.call("timeentries.create", body={
        "ticket_id": t["id"], "date": f"2026-03-{day:02d}", "duration_minutes": 60,
        "activity_type": "coding"}) for day in (10, 11, 12)]
    for e in entries:
        a.call("timeentries.submit", entry_id=e["id"])
        a.call("timeentries.approve", entry_id=e["id"])
    pages, cursor = [], None  # spec 41's CSV loop
    while True:
        page = a.call("timeentries.list_for_project", project_id=p["id"],
                      query={"limit": 2, "cursor": cursor})
        pages.append(page)
        if not page["has_more"]:
            break
        cursor = page["next_cursor"]
    assert [e["id"] for pg in pages for e in pg["items"]] == [e["id"] for e in entries]
    seen += pages
    seen.append(a.call("timeentries.list_for_project", project_id=p["id"],
                       query={"date_from": "2026-03-11", "user_id": alice["user_id"]}))

    rate = a.call("laborrates.create_for_user", user_id=alice["user_id"], org_id=org["id"],
                  body={"loaded_rate_cents": 10000, "effective_date": "2026-01-01"})
    assert rate["user_id"] == alice["user_id"] and rate["org_id"] == org["id"]
    seen.append(rate)
    seen.append(a.attempt("laborrates.create_for_user", user_id=alice["user_id"],
                          org_id=org["id"], body={"loaded_rate_cents": 1, "user_id": org["id"],
                                                  "effective_date": "2026-02-01"}))
    seen.append(a.call("laborrates.create_for_user", user_id=alice["user_id"], org_id=org["id"],
                       body={"loaded_rate_cents": 12000, "effective_date": "2026-03-11",
                             "user_id": alice["user_id"], "org_id": org["id"]}))

    # One org per report: the personal org has work too, and is never summed in.
    pp = a0.call("projects.create", body={"org_id": personal["id"], "key": "ME", "name": "Me"})
    pt = a0.call("tickets.create", project_id=pp["id"], body={"title": "Mine"})
    pe = a0.call("timeentries.create", body={"ticket_id": pt["id"], "date": "2026-03-10",
                                             "duration_minutes": 30, "activity_type": "coding"})
    a0.call("timeentries.submit", entry_id=pe["id"])
    a0.call("timeentries.approve", entry_id=pe["id"])
    plain = a0.call("reports.capitalization", query={"period": "2026-03"})  # active: personal
    assert [x["project_key"] for x in plain["projects"]] == ["CF"]  # the only team org
    grouped = a0.call("reports.capitalization", query={"period": "2026-03",
                                                       "group_by": "project"})
    assert grouped == plain
    assert [x["project_key"] for x in a0.call("reports.capitalization", query={
        "period": "2026-03", "org_id": personal["id"]})["projects"]] == ["ME"]
    csv = a0.call("reports.capitalization_export", query={"period": "2026-03",
                                                          "group_by": "project"})
    assert csv.count("\n") == 1 + 2 and ",CF," in csv and ",ME," not in csv
    seen += [plain, csv]

    second = a0.call("orgs.create", body={"name": "Second", "slug": f"c16second{tag}"})
    refused = a0.attempt("reports.capitalization", query={"period": "2026-03"})
    assert refused == {"error": "VALIDATION_ERROR", "status": 422}
    seen.append(refused)
    active = side.as_user(alice["access_token"], second["id"])  # an active team org decides
    assert active.call("reports.capitalization", query={"period": "2026-03"})["projects"] == []
    assert [x["project_key"] for x in a.call("reports.capitalization", query={
        "period": "2026-03"})["projects"]] == ["CF"]
    return seen


def test_conformance_contract(server, tmp_path):
    local = scenario_conformance(LocalSide(tmp_path), "x")
    remote = scenario_conformance(RemoteSide(server), "x")
    assert normalize(local) == normalize(remote)
