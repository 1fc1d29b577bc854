"""Search answers the same embedded and remote: results, order, paging and 422s."""

from __future__ import annotations

from tests.contract import LocalSide, RemoteSide, normalize


def scenario_search(side, tag: str) -> list:
    seen = []
    pair = side.anon.call("auth.register", body={
        "email": f"finder-{tag}@example.com", "password": "password123", "display_name": "F"})
    a = side.as_user(pair["access_token"])
    org = a.call("orgs.create", body={"name": "Acme", "slug": f"acme-srch-{tag}"})
    project = a.call("projects.create", body={"org_id": org["id"], "key": "SRCH", "name": "S"})
    one = a.call("tickets.create", project_id=project["id"],
                 body={"title": "Login fails", "priority": "high", "status": "Todo"})
    a.call("tickets.create", project_id=project["id"], body={"title": "Export is slow"})
    a.call("comments.create", ticket_id=one["id"], body={"body": "the export also fails"})

    def search(**query):
        return a.attempt("tickets.search", org_id=org["id"], query=query)

    seen.append(search(q="fails"))
    seen.append(search(q="export sort:number-asc"))
    seen.append(search(q='"login fails" is:open priority:>=high'))
    seen.append(search(q="-export"))
    seen.append(search(q="", project_id="SRCH", limit=1))
    seen.append(search(q="", cursor=seen[-1]["next_cursor"], limit=1))
    seen.append(search(q="prio:high"))
    seen.append(search(q="project:NOPE"))
    seen.append(search(q="", project_id="NOPE"))
    return seen


def test_search_contract(server, tmp_path):
    local = scenario_search(LocalSide(tmp_path), "srch")
    remote = scenario_search(RemoteSide(server), "srch")
    assert normalize(local) == normalize(remote)
    assert [i["key"] for i in local[0]["items"]] == ["SRCH-1"]
    assert [i["key"] for i in local[1]["items"]] == ["SRCH-1", "SRCH-2"]
    assert [i["key"] for i in local[4]["items"] + local[5]["items"]] == ["SRCH-2", "SRCH-1"]
    assert local[6] == local[7] == {"error": "VALIDATION_ERROR", "status": 422}
    assert local[8] == {"error": "NOT_FOUND", "status": 404}
