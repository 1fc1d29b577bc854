"""The GitHub webhook against a real `alloy serve`: signatures, configuration, each pull
request action, refs in titles and branch names, unknown refs and a strict workflow that
refuses a move (reported, not crashed)."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from alloy.services.github import refs_in, target_for
from tests.support import Server, auth

SECRET = "gh-test-secret"
PATH = "/api/v1/integrations/github/webhook"


def send(srv, payload, event: str = "pull_request", secret: str | None = SECRET,
         signature: str | None = None, raw: bytes | None = None):
    body = raw if raw is not None else json.dumps(payload).encode()
    headers = {"Content-Type": "application/json", "X-GitHub-Event": event}
    if signature is None and secret is not None:
        signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    if signature is not None:
        headers["X-Hub-Signature-256"] = signature
    return srv.http.post(PATH, content=body, headers=headers)


def pr(action: str, title: str, branch: str = "main", merged: bool = False, body=None) -> dict:
    return {"action": action, "number": 7, "pull_request": {
        "title": title, "body": body, "merged": merged, "head": {"ref": branch},
        "base": {"ref": "main"}}, "repository": {"full_name": "acme/app"}}


def test_reference_parsing():
    assert refs_in("ALLOY-1 and alloy-2, ALLOY-001", "feature/web-3-Fix", "See ALLOY-1, OPS-4") \
        == ["ALLOY-1", "WEB-3", "OPS-4"]  # lower case counts only in branch names
    assert refs_in("XALLOY-1x", "main", "ALLOY-12345678901 A-1") == ["XALLOY-1", "A-1"]
    assert refs_in("", "", "") == []
    assert [target_for(a, m) for a, m in (("opened", False), ("reopened", False),
                                          ("closed", True), ("closed", False),
                                          ("synchronize", False), ("edited", True))] == [
        "InReview", "InReview", "Done", "InProgress", None, None]


class Org:
    """The server's only organization, its owner, and helpers to make tickets."""

    def __init__(self, srv) -> None:
        self.srv = srv
        r = srv.http.post("/api/v1/auth/register", json={
            "email": "gh-owner@example.com", "password": "password123", "display_name": "O"})
        assert r.status_code == 201, r.text
        self.user_id, self.org_id = r.json()["user_id"], r.json()["org_id"]
        self.h = auth(r.json()["access_token"])

    def project(self, key: str, workflow_id: str | None = None) -> dict:
        r = self.srv.http.post("/api/v1/projects", headers=self.h,
                               json={"name": key, "key": key, "org_id": self.org_id})
        assert r.status_code == 201, r.text
        if workflow_id:
            r = self.srv.http.patch(f"/api/v1/projects/{r.json()['id']}", headers=self.h,
                                    json={"workflow_id": workflow_id})
            assert r.status_code == 200, r.text
        return r.json()

    def ticket(self, project: dict, status: str | None = None) -> dict:
        r = self.srv.http.post(f"/api/v1/projects/{project['id']}/tickets", headers=self.h,
                               json={"title": "Work"})
        assert r.status_code == 201, r.text
        if status:
            self.move(r.json()["id"], status)
        return r.json()

    def move(self, ticket_id: str, status: str) -> None:
        r = self.srv.http.post(f"/api/v1/tickets/{ticket_id}/transition", headers=self.h,
                               json={"to_status": status})
        assert r.status_code == 200, r.text

    def status(self, ticket_id: str) -> str:
        return self.srv.http.get(f"/api/v1/tickets/{ticket_id}", headers=self.h).json()["status"]


@pytest.fixture(scope="module")
def gh(tmp_path_factory):
    srv = Server(tmp_path_factory.mktemp("gh"), ALLOY_REGISTRATION="open",
                 ALLOY_GITHUB_WEBHOOK_SECRET=SECRET)
    org = Org(srv)
    yield org
    srv.stop()


def test_ping_and_other_events(gh):
    r = send(gh.srv, {"zen": "Keep it logically awesome.", "hook_id": 1}, event="ping")
    assert r.status_code == 200 and r.json() == {"status": "ok"}
    r = send(gh.srv, {"ref": "refs/heads/main"}, event="push")
    assert r.status_code == 200 and r.json()["status"] == "ignored"


def test_openapi_lists_the_webhook(gh):
    entry = gh.srv.http.get("/schema/openapi.json").json()["paths"][
        "/api/v1/integrations/github/webhook"]["post"]
    assert "security" not in entry
    assert {p["name"] for p in entry["parameters"]} == {"X-Hub-Signature-256", "X-GitHub-Event"}


def test_signature_is_required_and_checked(gh):
    project = gh.project("SIG")
    ticket = gh.ticket(project, "InProgress")
    payload = pr("opened", "SIG-1 fix")
    raw = json.dumps(payload).encode()
    good = "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
    for kwargs in ({"secret": None},  # no header
                   {"secret": "wrong-secret"},
                   {"signature": good.replace("sha256=", "")},
                   {"signature": good, "raw": raw.replace(b"SIG-1", b"SIG-2")}):  # tampered
        r = send(gh.srv, payload, **kwargs)
        assert r.status_code == 401, (kwargs, r.text)
        assert r.json()["error"]["code"] == "UNAUTHORIZED"
    assert gh.status(ticket["id"]) == "InProgress"  # nothing changed
    assert send(gh.srv, payload, signature=good).status_code == 200
    assert gh.status(ticket["id"]) == "InReview"


def test_pull_request_lifecycle(gh):
    project = gh.project("ALLOY")
    one, two = gh.ticket(project, "InProgress"), gh.ticket(project, "InProgress")
    r = send(gh.srv, pr("opened", "ALLOY-1: fix login (ALLOY-1)", branch="alloy-2-login-page"))
    assert r.status_code == 200, r.text
    assert r.json() == {
        "status": "processed", "ticket_refs_found": ["ALLOY-1", "ALLOY-2"],
        "transitions": [
            {"ticket_ref": "ALLOY-1", "old_status": "InProgress", "new_status": "InReview"},
            {"ticket_ref": "ALLOY-2", "old_status": "InProgress", "new_status": "InReview"}],
        "not_found": [], "failed": []}
    assert gh.status(one["id"]) == gh.status(two["id"]) == "InReview"
    r = send(gh.srv, pr("closed", "ALLOY-1: fix login", branch="alloy-2-login-page"))
    assert [t["new_status"] for t in r.json()["transitions"]] == ["InProgress", "InProgress"]
    r = send(gh.srv, pr("reopened", "ALLOY-1: fix login"))
    assert r.json()["transitions"] == [
        {"ticket_ref": "ALLOY-1", "old_status": "InProgress", "new_status": "InReview"}]
    r = send(gh.srv, pr("closed", "ALLOY-1: fix login", branch="feature/ALLOY-2", merged=True))
    assert [(t["ticket_ref"], t["old_status"], t["new_status"]) for t in
            r.json()["transitions"]] == [("ALLOY-1", "InReview", "Done"),
                                         ("ALLOY-2", "InProgress", "Done")]
    assert gh.status(one["id"]) == gh.status(two["id"]) == "Done"
    activity = gh.srv.http.get(f"/api/v1/tickets/{one['id']}/activity", headers=gh.h).json()
    last = activity["items"][-1]
    assert last["payload"]["action"] == "transition" and last["actor"] == gh.user_id


def test_refs_in_the_body_unknown_refs_and_other_actions(gh):
    project = gh.project("BODY")
    ticket = gh.ticket(project, "Todo")
    r = send(gh.srv, pr("opened", "Refactor NOPE-7 and BODY-99", branch="main",
                        body="Closes BODY-1. Uses SHA-256."))
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["ticket_refs_found"] == ["NOPE-7", "BODY-99", "BODY-1", "SHA-256"]
    assert out["not_found"] == ["NOPE-7", "BODY-99", "SHA-256"]
    assert out["transitions"] == [
        {"ticket_ref": "BODY-1", "old_status": "Todo", "new_status": "InReview"}]
    r = send(gh.srv, pr("synchronize", "BODY-1"))
    assert r.json()["status"] == "ignored" and gh.status(ticket["id"]) == "InReview"
    r = send(gh.srv, pr("opened", "No references here", branch="main"))
    assert r.json() == {"status": "processed", "ticket_refs_found": [], "transitions": [],
                        "not_found": [], "failed": []}


def test_strict_workflow_refusal_is_reported(gh):
    names = ["Backlog", "InProgress", "InReview", "Done"]
    r = gh.srv.http.post(f"/api/v1/orgs/{gh.org_id}/workflows", headers=gh.h, json={
        "name": "Strict flow", "enforcement": "strict",
        "statuses": [{"name": n, "category": c} for n, c in zip(
            names, ["backlog", "in_progress", "in_review", "done"], strict=True)],
        "transitions": [{"from": a, "to": b} for a, b in zip(names[:-1], names[1:], strict=True)]})
    assert r.status_code == 201, r.text
    project = gh.project("STR", r.json()["id"])
    stuck, ready = gh.ticket(project), gh.ticket(project, "InProgress")
    assert gh.status(stuck["id"]) == "Backlog"
    r = send(gh.srv, pr("opened", "STR-1 STR-2"))
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["transitions"] == [
        {"ticket_ref": "STR-2", "old_status": "InProgress", "new_status": "InReview"}]
    assert [(f["ticket_ref"], f["old_status"]) for f in out["failed"]] == [("STR-1", "Backlog")]
    assert "not allowed by workflow 'Strict flow'" in out["failed"][0]["error"]
    assert gh.status(stuck["id"]) == "Backlog" and gh.status(ready["id"]) == "InReview"


def test_bad_payloads(gh):
    r = send(gh.srv, None, raw=b"{not json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "BAD_REQUEST"
    r = send(gh.srv, {"action": "opened"})
    assert r.status_code == 422
    assert [d["field"] for d in r.json()["error"]["details"]] == ["pull_request"]
    r = send(gh.srv, {"action": 3, "pull_request": {"title": 5, "head": "x"}})
    assert [d["field"] for d in r.json()["error"]["details"]] == [
        "action", "pull_request.title", "pull_request.head"]
    headers = {"X-Hub-Signature-256": "sha256=" + hmac.new(
        SECRET.encode(), b"{}", hashlib.sha256).hexdigest()}
    r = gh.srv.http.post(PATH, content=b"{}", headers=headers)  # no X-GitHub-Event
    assert r.status_code == 400


def test_unconfigured_secret_answers_503(server):
    """The session server has no ALLOY_GITHUB_WEBHOOK_SECRET."""
    r = send(server, pr("opened", "ALLOY-1"))
    assert r.status_code == 503
    err = r.json()["error"]
    assert err["code"] == "NOT_CONFIGURED" and "ALLOY_GITHUB_WEBHOOK_SECRET" in err["message"]


def test_which_org_acts(tmp_path):
    """Several orgs: 503 naming ALLOY_GITHUB_ORG_ID until it is set; then that org's tickets
    move and the other org's refs are not found."""
    srv = Server(tmp_path, ALLOY_REGISTRATION="open", ALLOY_GITHUB_WEBHOOK_SECRET=SECRET)
    try:
        first = Org(srv)
        first.ticket(first.project("ONE"), "InProgress")
        r = srv.http.post("/api/v1/auth/register", json={
            "email": "gh-second@example.com", "password": "password123", "display_name": "S"})
        second_org = r.json()["org_id"]
        second_h = auth(r.json()["access_token"])
        p = srv.http.post("/api/v1/projects", headers=second_h,
                          json={"name": "Two", "key": "TWO"}).json()
        t = srv.http.post(f"/api/v1/projects/{p['id']}/tickets", headers=second_h,
                          json={"title": "x"}).json()
        for event in ("ping", "pull_request"):
            r = send(srv, pr("opened", "TWO-1"), event=event)
            assert r.status_code == 503 and "ALLOY_GITHUB_ORG_ID" in r.json()["error"]["message"]
    finally:
        srv.stop()
    srv = Server(tmp_path, ALLOY_GITHUB_WEBHOOK_SECRET=SECRET, ALLOY_GITHUB_ORG_ID=second_org)
    try:
        r = send(srv, pr("opened", "TWO-1 ONE-1"))
        assert r.status_code == 200, r.text
        assert r.json()["not_found"] == ["ONE-1"]
        assert [x["ticket_ref"] for x in r.json()["transitions"]] == ["TWO-1"]
        got = srv.http.get(f"/api/v1/tickets/{t['id']}", headers=second_h).json()
        assert got["status"] == "InReview"
    finally:
        srv.stop()
    srv = Server(tmp_path, ALLOY_GITHUB_WEBHOOK_SECRET=SECRET, ALLOY_GITHUB_ORG_ID="nope")
    try:
        r = send(srv, {}, event="ping")
        assert r.status_code == 503 and "ALLOY_GITHUB_ORG_ID" in r.json()["error"]["message"]
    finally:
        srv.stop()


def test_doc_examples_run(tmp_path):
    from tests.docs_runner import run_doc
    from tests.support import ROOT

    srv = Server(tmp_path, ALLOY_REGISTRATION="open", ALLOY_GITHUB_WEBHOOK_SECRET=SECRET)
    try:
        run_doc(ROOT / "docs" / "github.md", {**srv.env, "BASE_URL": srv.url}, tmp_path)
    finally:
        srv.stop()
