"""The HTTP API for comments, labels and tags as the guides use it: chapter 15 (Labels & Tags)
and the label/comment/tag steps of the End-to-End Walkthrough (40/44), run as written with
curl and jq against a live server; plus delete guards, activity and error shapes.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from alloy import ops
from tests.support import Server, auth

needs_curl = pytest.mark.skipif(not (shutil.which("curl") and shutil.which("jq")),
                                reason="curl and jq are needed to run the guides as written")

CHAPTER_15 = r'''set -euo pipefail
# BASE_URL comes from the environment (the test server)
REG=$(curl -s -X POST "$BASE_URL/api/v1/auth/register" \
  -H "Content-Type: application/json" \
  -d '{
    "email": "guide-lt@alloy.dev",
    "password": "guide-lt-pass1",
    "display_name": "LT Guide User"
  }' | jq .)
echo "$REG" | jq -e '.user_id and .email == "guide-lt@alloy.dev" and .display_name == "LT Guide User" and .access_token' >/dev/null
TOKEN=$(echo "$REG" | jq -r .access_token)
USER_ID=$(echo "$REG" | jq -r .user_id)

ORG=$(curl -s -X POST "$BASE_URL/api/v1/orgs" \
  -H "Content-Type: application/json" \
  -H "Authorization: Bearer $TOKEN" \
  -d '{
    "name": "LT Guide Org",
    "slug": "guide-lt-org"
  }' | jq .)
echo "$ORG" | jq -e '.id and .name == "LT Guide Org" and .slug == "guide-lt-org"' >/dev/null
ORG_ID=$(echo "$ORG" | jq -r .id)

PROJ=$(curl -s -X POST "$BASE_URL/api/v1/projects" \
  -H "Content-Type: application/json" \
  -H "Authorization: Bearer $TOKEN" \
  -d "{
    \"org_id\": \"$ORG_ID\",
    \"key\": \"LTAG\",
    \"name\": \"Labels Tags Demo\"
  }" | jq .)
echo "$PROJ" | jq -e '.key == "LTAG" and .name == "Labels Tags Demo" and .ticket_counter == 0' >/dev/null
PROJECT_ID=$(echo "$PROJ" | jq -r .id)

TICKET=$(curl -s -X POST "$BASE_URL/api/v1/projects/$PROJECT_ID/tickets" \
  -H "Content-Type: application/json" \
  -H "Authorization: Bearer $TOKEN" \
  -d "{
    \"title\": \"Tag demo ticket\",
    \"priority\": \"Medium\",
    \"reporter_id\": \"$USER_ID\"
  }" | jq .)
echo "$TICKET" | jq -e '.ticket_number == 1 and .status == "Backlog" and .priority == "Medium"' >/dev/null
TICKET_ID=$(echo "$TICKET" | jq -r .id)

# 2. Create Labels
BUG=$(curl -s -X POST "$BASE_URL/api/v1/orgs/$ORG_ID/labels" \
  -H "Authorization: Bearer $TOKEN" \
  -H "Content-Type: application/json" \
  -d '{"name": "bug", "color": "#FF0000"}' | jq .)
echo "$BUG" | jq -e --arg org "$ORG_ID" '.org_id == $org and .name == "bug" and .color == "#FF0000" and .created_at and .updated_at' >/dev/null
LABEL_ID=$(echo "$BUG" | jq -r .id)

curl -s -X POST "$BASE_URL/api/v1/orgs/$ORG_ID/labels" \
  -H "Authorization: Bearer $TOKEN" \
  -H "Content-Type: application/json" \
  -d '{"name": "feature", "color": "#00FF00"}' | jq -e '.name == "feature" and .color == "#00FF00"' >/dev/null

# 3. List & Get Labels
curl -s "$BASE_URL/api/v1/orgs/$ORG_ID/labels" \
  -H "Authorization: Bearer $TOKEN" | jq -e '(.items | map(.name)) == ["bug", "feature"] and .next_cursor == null and .has_more == false' >/dev/null

curl -s "$BASE_URL/api/v1/labels/$LABEL_ID" \
  -H "Authorization: Bearer $TOKEN" | jq -e --arg id "$LABEL_ID" '.id == $id and .name == "bug"' >/dev/null

# 4. Update & Delete Labels
curl -s -X PATCH "$BASE_URL/api/v1/labels/$LABEL_ID" \
  -H "Authorization: Bearer $TOKEN" \
  -H "Content-Type: application/json" \
  -d '{"name": "critical-bug", "color": "#CC0000"}' | jq -e '.name == "critical-bug" and .color == "#CC0000"' >/dev/null

# 5. Assign Labels to Tickets
curl -s -X POST "$BASE_URL/api/v1/tickets/$TICKET_ID/labels/$LABEL_ID" \
  -H "Authorization: Bearer $TOKEN" | jq -e 'length == 1 and .[0].name == "critical-bug"' >/dev/null

curl -s "$BASE_URL/api/v1/tickets/$TICKET_ID/labels" \
  -H "Authorization: Bearer $TOKEN" | jq -e --arg id "$LABEL_ID" '[.[].id] == [$id]' >/dev/null

curl -s "$BASE_URL/api/v1/tickets/$TICKET_ID/labels" \
  -H "Authorization: Bearer $TOKEN" \
  -H "Content-Type: application/json" \
  -d "{\"label_ids\": [\"$LABEL_ID\"]}" | jq -e --arg id "$LABEL_ID" '[.[].id] == [$id]' >/dev/null

# 4 (continued): a label in use is guarded
test "$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "$BASE_URL/api/v1/labels/$LABEL_ID" -H "Authorization: Bearer $TOKEN")" = 409
curl -s -X DELETE "$BASE_URL/api/v1/labels/$LABEL_ID?cascade=true&dry_run=true" \
  -H "Authorization: Bearer $TOKEN" | jq -e --arg id "$LABEL_ID" '.label_id == $id and .dependents.tickets == 1' >/dev/null

CODE=$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "$BASE_URL/api/v1/tickets/$TICKET_ID/labels/$LABEL_ID" \
  -H "Authorization: Bearer $TOKEN")
test "$CODE" = 204
curl -s "$BASE_URL/api/v1/tickets/$TICKET_ID/labels" -H "Authorization: Bearer $TOKEN" | jq -e 'length == 0' >/dev/null

# 6. Set Tags on Entities
curl -s -X PUT "$BASE_URL/api/v1/orgs/$ORG_ID/project/$PROJECT_ID/tags" \
  -H "Authorization: Bearer $TOKEN" \
  -H "Content-Type: application/json" \
  -d '{
    "tags": [
      {"key": "department", "value": "engineering"},
      {"key": "environment", "value": "staging"}
    ]
  }' | jq -e --arg p "$PROJECT_ID" --arg org "$ORG_ID" 'map([.key, .value]) == [["department","engineering"],["environment","staging"]] and all(.[]; .entity_type == "project" and .entity_id == $p and .org_id == $org and .id and .created_at and .updated_at)' >/dev/null

curl -s "$BASE_URL/api/v1/orgs/$ORG_ID/project/$PROJECT_ID/tags" \
  -H "Authorization: Bearer $TOKEN" | jq -e 'map(.key) == ["department", "environment"]' >/dev/null

CODE=$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "$BASE_URL/api/v1/orgs/$ORG_ID/project/$PROJECT_ID/tags/environment" \
  -H "Authorization: Bearer $TOKEN")
test "$CODE" = 204
curl -s "$BASE_URL/api/v1/orgs/$ORG_ID/project/$PROJECT_ID/tags" \
  -H "Authorization: Bearer $TOKEN" | jq -e 'map(.key) == ["department"]' >/dev/null

# 7. Search by Tags
curl -s "$BASE_URL/api/v1/orgs/$ORG_ID/tags/search?key=department&value=engineering" \
  -H "Authorization: Bearer $TOKEN" | jq -e --arg p "$PROJECT_ID" '(.items | map([.entity_type, .entity_id, .key, .value])) == [["project", $p, "department", "engineering"]] and .next_cursor == null and .has_more == false' >/dev/null
echo OK
'''

WALKTHROUGH = r'''set -euo pipefail
# End-to-End Walkthrough (40/44): sections 2-5, 7, 8, 10 and the tags of 13, as written.
REG=$(curl -s -X POST "$BASE_URL/api/v1/auth/register" \
  -H "Content-Type: application/json" \
  -d '{
    "email": "walkthrough@alloy.dev",
    "password": "walkthrough1",
    "display_name": "Walkthrough User"
  }' | jq .)
TOKEN=$(echo "$REG" | jq -r .access_token)
USER_ID=$(echo "$REG" | jq -r .user_id)
ORG_ID=$(curl -s -X POST "$BASE_URL/api/v1/orgs" \
  -H "Content-Type: application/json" \
  -H "Authorization: Bearer $TOKEN" \
  -d '{
    "name": "Acme Corp",
    "slug": "acme-wt"
  }' | jq -r .id)
PROJECT_ID=$(curl -s -X POST "$BASE_URL/api/v1/projects" \
  -H "Content-Type: application/json" \
  -H "Authorization: Bearer $TOKEN" \
  -d "{
    \"org_id\": \"$ORG_ID\",
    \"key\": \"ALLOY\",
    \"name\": \"Alloy Project\",
    \"description\": \"End-to-end walkthrough project\"
  }" | jq -r .id)

# 5. Create Labels
for pair in "bug #FF0000" "feature #00FF00" "docs #0000FF" "urgent #FFA500"; do
  set -- $pair
  curl -s -X POST "$BASE_URL/api/v1/orgs/$ORG_ID/labels" \
    -H "Content-Type: application/json" \
    -H "Authorization: Bearer $TOKEN" \
    -d "{
      \"name\": \"$1\",
      \"color\": \"$2\"
    }" | jq -e --arg n "$1" --arg c "$2" '.id and .name == $n and .color == $c' >/dev/null
done
LABELS=$(curl -s "$BASE_URL/api/v1/orgs/$ORG_ID/labels" \
  -H "Authorization: Bearer $TOKEN" | jq .)
echo "$LABELS" | jq -e '(.items | map(.name)) == ["bug","feature","docs","urgent"] and .next_cursor == null and .has_more == false' >/dev/null
LABEL_ID=$(echo "$LABELS" | jq -r '.items[0].id')

# 7. Create Tickets
TICKET_ID=$(curl -s -X POST "$BASE_URL/api/v1/projects/$PROJECT_ID/tickets" \
  -H "Content-Type: application/json" \
  -H "Authorization: Bearer $TOKEN" \
  -d "{
    \"title\": \"Set up CI pipeline\",
    \"description\": \"Configure GitHub Actions for build and test\",
    \"status\": \"Backlog\",
    \"priority\": \"High\",
    \"reporter_id\": \"$USER_ID\"
  }" | jq -r .id)

# 8. Assign Labels to Tickets
curl -s -X POST "$BASE_URL/api/v1/tickets/$TICKET_ID/labels" \
  -H "Content-Type: application/json" \
  -H "Authorization: Bearer $TOKEN" \
  -d "{
    \"label_ids\": [\"$LABEL_ID\"]
  }" | jq -e 'length == 1 and .[0].name == "bug" and .[0].color == "#FF0000"' >/dev/null
curl -s "$BASE_URL/api/v1/tickets/$TICKET_ID/labels" \
  -H "Authorization: Bearer $TOKEN" | jq -e --arg id "$LABEL_ID" 'map(.id) == [$id]' >/dev/null

# 10. Add Comments
curl -s -X POST "$BASE_URL/api/v1/tickets/$TICKET_ID/comments" \
  -H "Content-Type: application/json" \
  -H "Authorization: Bearer $TOKEN" \
  -d "{
    \"body\": \"Looks good, let's ship it\",
    \"author_id\": \"$USER_ID\"
  }" | jq -e --arg u "$USER_ID" --arg t "$TICKET_ID" '.id and .body == "Looks good, let'"'"'s ship it" and .author_id == $u and .ticket_id == $t' >/dev/null
curl -s "$BASE_URL/api/v1/tickets/$TICKET_ID/comments" \
  -H "Authorization: Bearer $TOKEN" | jq -e '(.items | length) == 1 and .items[0].body and .items[0].author_id and .items[0].ticket_id and .next_cursor == null and .has_more == false' >/dev/null

# 13. Tag a Project
curl -s -X PUT "$BASE_URL/api/v1/orgs/$ORG_ID/project/$PROJECT_ID/tags" \
  -H "Content-Type: application/json" \
  -H "Authorization: Bearer $TOKEN" \
  -d '{
    "tags": [
      {"key": "department", "value": "engineering"},
      {"key": "cost-type", "value": "capex"}
    ]
  }' | jq -e '(map({key, value}) | sort_by(.key)) == [{"key":"cost-type","value":"capex"},{"key":"department","value":"engineering"}] and all(.[]; .entity_type == "project" and .id and .created_at and .updated_at)' >/dev/null
curl -s "$BASE_URL/api/v1/orgs/$ORG_ID/project/$PROJECT_ID/tags" \
  -H "Authorization: Bearer $TOKEN" | jq -e 'length == 2' >/dev/null
curl -s "$BASE_URL/api/v1/orgs/$ORG_ID/tags/search?key=department&value=engineering" \
  -H "Authorization: Bearer $TOKEN" | jq -e --arg p "$PROJECT_ID" '.items | map(.entity_id) == [$p]' >/dev/null
echo "TICKET_ID=$TICKET_ID PROJECT_ID=$PROJECT_ID TOKEN=$TOKEN"
'''


def run_script(script: str, base_url: str) -> str:
    r = subprocess.run(["bash", "-c", script], env={**os.environ, "BASE_URL": base_url},
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, f"guide step failed (exit {r.returncode}):\n{r.stderr[-3000:]}"
    return r.stdout


@pytest.fixture
def fresh_server(tmp_path):
    """The guides register fixed emails and slugs, so each gets a server of its own."""
    srv = Server(tmp_path, ALLOY_REGISTRATION="open")
    yield srv
    srv.stop()


@needs_curl
def test_chapter_15_labels_and_tags(fresh_server):
    assert run_script(CHAPTER_15, fresh_server.url).strip().endswith("OK")


@needs_curl
def test_walkthrough_labels_comments_tags(fresh_server):
    out = run_script(WALKTHROUGH, fresh_server.url).strip().splitlines()[-1]
    found = dict(part.split("=", 1) for part in out.split())
    h = auth(found["TOKEN"])
    if "tickets.delete" not in {o.name for o in ops.all_ops()}:
        return  # the ticket/project delete endpoints arrive with their own module
    http, ticket = fresh_server.http, found["TICKET_ID"]
    # 15. Delete Guards: a ticket with a comment is guarded; dry runs count the comment.
    r = http.delete(f"/api/v1/tickets/{ticket}", headers=h)
    assert r.status_code == 409 and r.json()["error"]["details"] == ["comments: 1"]
    r = http.delete(f"/api/v1/tickets/{ticket}?cascade=true&dry_run=true", headers=h)
    assert r.status_code == 200 and r.json()["dependents"] == {"time_entries": 0, "comments": 1}
    r = http.delete(f"/api/v1/projects/{found['PROJECT_ID']}?cascade=true&dry_run=true",
                    headers=h)
    assert r.status_code == 200 and r.json()["dependents"]["comments"] == 1
    assert http.delete(f"/api/v1/tickets/{ticket}?cascade=true", headers=h).status_code == 204


def test_guards_count_comments_and_label_links(tmp_path):
    """What the ticket, project and label delete guards see (the dry-run numbers)."""
    from tests.contract import LocalSide

    side = LocalSide(tmp_path)
    pair = side.anon.call("auth.register", body={
        "email": "g@example.com", "password": "password123", "display_name": "G"})
    a = side.as_user(pair["access_token"])
    org = pair["org_id"] or a.call("orgs.create", body={"name": "G", "slug": "g"})["id"]
    project = a.call("projects.create", body={"org_id": org, "key": "G", "name": "G"})
    t1 = a.call("tickets.create", project_id=project["id"], body={"title": "1"})
    t2 = a.call("tickets.create", project_id=project["id"], body={"title": "2"})
    label = a.call("labels.create", org_id=org, body={"name": "bug", "color": "#f00"})
    for t in (t1, t2):
        a.call("comments.create", ticket_id=t["id"], body={"body": "x"})
        a.call("labels.add_to_ticket", ticket_id=t["id"], label_id="bug")
    a.call("comments.create", ticket_id=t1["id"], body={"body": "y"})
    a.call("tags.set", org_id=org, entity_type="ticket", entity_id=t2["id"],
           body={"tags": [{"key": "team", "value": "core"}, {"key": "env", "value": "prod"}]})
    dry = {"cascade": True, "dry_run": True}
    assert a.call("tickets.delete", ticket_id=t1["id"], query=dry)["dependents"] == {
        "time_entries": 0, "comments": 2}
    assert a.call("projects.delete", project_id=project["id"], query=dry)["dependents"] == {
        "tickets": 2, "sprints": 0, "comments": 3, "time_entries": 0}
    assert a.call("labels.delete", label_id=label["id"], query=dry)["dependents"] == {
        "tickets": 2}
    # The ticket list's label filter takes a name or an id.
    for ref in ("BUG", label["id"]):
        listed = a.call("tickets.list", project_id=project["id"], query={"label": ref})
        assert {t["id"] for t in listed["items"]} == {t1["id"], t2["id"]}
    # Tag search: the first pair, AND every `tag=` pair.
    for extra, want in ((None, [t2["id"]]), ("env:prod", [t2["id"]]), ("env:dev", [])):
        found = a.call("tags.search", org_id=org, query={
            "key": "team", "value": "core", "entity_type": "ticket", "tag": extra})
        assert [t["entity_id"] for t in found["items"]] == want, extra
    # The activity feed reads the audit rows written on the ticket.
    feed = a.call("tickets.activity", ticket_id=t1["id"])["items"]
    assert [e["type"] for e in feed][:1] == ["ticket.created"]
    assert len(feed) == 4
    a.call("labels.delete", label_id=label["id"], query={"cascade": True})
    assert a.call("labels.list_for_ticket", ticket_id=t2["id"]) == []


def test_activity_shows_comments_and_labels(server, register):
    if "tickets.activity" not in {o.name for o in ops.all_ops()}:
        return  # the feed itself arrives with tickets.activity; the audit rows are checked above
    pair = register("feed")
    h = auth(pair["access_token"])
    org = server.http.post("/api/v1/orgs", headers=h, json={
        "name": "Feed", "slug": f"feed-{pair['user_id'][-12:]}"}).json()["id"]
    project = server.http.post("/api/v1/projects", headers=h,
                               json={"org_id": org, "key": "FEED", "name": "F"}).json()
    ticket = server.http.post(f"/api/v1/projects/{project['id']}/tickets", headers=h,
                              json={"title": "t"}).json()["id"]
    server.http.post(f"/api/v1/orgs/{org}/labels", headers=h, json={"name": "bug",
                                                                    "color": "#f00"})
    server.http.post(f"/api/v1/tickets/{ticket}/labels/bug", headers=h)
    server.http.post(f"/api/v1/tickets/{ticket}/comments", headers=h, json={"body": "hello"})
    feed = server.http.get(f"/api/v1/tickets/{ticket}/activity", headers=h).json()["items"]
    actions = {item["payload"]["action"] for item in feed}
    assert {"comment_create", "label_add"} <= actions


def test_error_shapes(server, register):
    pair, other = register("errs"), register("errs2")
    h, h2 = auth(pair["access_token"]), auth(other["access_token"])
    org = server.http.post("/api/v1/orgs", headers=h, json={
        "name": "E", "slug": f"errs-{pair['user_id'][-12:]}"}).json()["id"]
    r = server.http.post(f"/api/v1/orgs/{org}/labels", headers=h, json={"color": "blue"})
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "VALIDATION_ERROR"
    assert {d["field"] for d in err["details"]} == {"name", "color"}
    r = server.http.post(f"/api/v1/orgs/{org}/labels", headers={**h, "Content-Type":
                         "application/json"}, content=b"{not json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "BAD_REQUEST"
    r = server.http.put(f"/api/v1/orgs/{org}/gizmo/{pair['user_id']}/tags", headers=h,
                        json={"tags": []})
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "entity_type"
    r = server.http.get(f"/api/v1/orgs/{org}/tags/search", headers=h)
    assert r.status_code == 422
    assert {d["field"] for d in r.json()["error"]["details"]} == {"key", "value"}
    # A label of another org is not a label here, even for someone in both orgs.
    project = server.http.post("/api/v1/projects", headers=h,
                               json={"org_id": org, "key": "E", "name": "E"}).json()
    ticket = server.http.post(f"/api/v1/projects/{project['id']}/tickets", headers=h,
                              json={"title": "t"}).json()["id"]
    org2 = server.http.post("/api/v1/orgs", headers=h, json={
        "name": "E2", "slug": f"errs2-{pair['user_id'][-12:]}"}).json()["id"]
    foreign = server.http.post(f"/api/v1/orgs/{org2}/labels", headers=h,
                               json={"name": "bug", "color": "#000"}).json()["id"]
    r = server.http.post(f"/api/v1/tickets/{ticket}/labels", headers=h,
                         json={"label_ids": [foreign]})
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "label_ids[0]"
    assert server.http.post(f"/api/v1/tickets/{ticket}/labels/{foreign}",
                            headers=h).status_code == 404
    assert server.http.post(f"/api/v1/labels/{foreign}/batch-assign", headers=h,
                            json={"ticket_ids": [ticket]}).status_code == 404
    # Outsiders get 404 for ids they guess, whatever the resource.
    assert server.http.get(f"/api/v1/labels/{foreign}", headers=h2).status_code == 404
    r = server.http.get(f"/api/v1/tickets/{ticket}/comments?limit=500", headers=h)
    assert r.status_code == 422
