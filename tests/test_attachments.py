"""Ticket attachments against a real `alloy serve` and a real S3-protocol server (moto):
presign -> PUT the bytes -> confirm -> list -> GET them back; roles, tenancy, bad input,
unconfigured storage, and the same scenario embedded and remote."""

from __future__ import annotations

import itertools
import re

import httpx
import pytest

from tests.contract import LocalSide, RemoteSide, normalize
from tests.fake_s3 import FakeS3
from tests.support import Server, auth

_counter = itertools.count()
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


@pytest.fixture(scope="module")
def s3():
    fake = FakeS3()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def s3_server(s3, tmp_path_factory):
    srv = Server(tmp_path_factory.mktemp("s3srv"), ALLOY_REGISTRATION="open", **s3.env)
    yield srv
    srv.stop()


def _user(srv, prefix: str) -> dict:
    n = next(_counter)
    r = srv.http.post("/api/v1/auth/register", json={
        "email": f"{prefix}{n}-{id(_counter)}@example.com", "password": "password123",
        "display_name": prefix})
    assert r.status_code == 201, r.text
    return r.json() | {"h": auth(r.json()["access_token"])}


def _ticket(srv, owner) -> dict:
    key = f"AT{next(_counter)}"
    p = srv.http.post("/api/v1/projects", headers=owner["h"],
                      json={"name": "Attach", "key": key, "org_id": owner["org_id"]})
    assert p.status_code == 201, p.text
    t = srv.http.post(f"/api/v1/projects/{p.json()['id']}/tickets", headers=owner["h"],
                      json={"title": "Has files"})
    assert t.status_code == 201, t.text
    return t.json()


def _base(ticket_id: str) -> str:
    return f"/api/v1/tickets/{ticket_id}/attachments"


def test_upload_confirm_list_download(s3_server):
    srv = s3_server
    owner = _user(srv, "owner")
    ticket = _ticket(srv, owner)
    pre = srv.http.post(_base(ticket["id"]) + "/presign", headers=owner["h"], json={
        "filename": "../shots/screen shot.png", "content_type": "image/png",
        "size_bytes": len(PNG)})
    assert pre.status_code == 200, pre.text
    key = pre.json()["s3_key"]
    assert re.fullmatch(rf"attachments/{ticket['id']}/[0-9a-f-]{{36}}/screen_shot\.png", key)
    put = httpx.put(pre.json()["upload_url"], content=PNG, headers={"Content-Type": "image/png"})
    assert put.status_code == 200, put.text
    body = {"filename": "screen shot.png", "content_type": "image/png", "size_bytes": len(PNG),
            "s3_key": key, "uploaded_by": "someone-else"}
    made = srv.http.post(_base(ticket["id"]) + "/confirm", headers=owner["h"], json=body)
    assert made.status_code == 201, made.text
    att = made.json()
    assert att["uploaded_by"] == owner["user_id"]  # the caller, not the body's uploaded_by
    assert {k: att[k] for k in ("ticket_id", "filename", "content_type", "size_bytes",
                                 "s3_key")} == {
        "ticket_id": ticket["id"], "filename": "screen shot.png", "content_type": "image/png",
        "size_bytes": len(PNG), "s3_key": key}
    again = srv.http.post(_base(ticket["id"]) + "/confirm", headers=owner["h"], json=body)
    assert again.status_code == 409
    listed = srv.http.get(_base(ticket["id"]), headers=owner["h"]).json()
    assert set(listed) == {"items", "next_cursor", "has_more"}
    assert [a["id"] for a in listed["items"]] == [att["id"]]
    got = httpx.get(listed["items"][0]["download_url"])
    assert got.status_code == 200 and got.content == PNG
    activity = srv.http.get(f"/api/v1/tickets/{ticket['id']}/activity", headers=owner["h"])
    assert "attachment_add" in [a["payload"]["action"] for a in activity.json()["items"]]


def test_confirm_accepts_only_keys_presigned_for_that_ticket(s3_server):
    srv = s3_server
    owner = _user(srv, "owner")
    one, two = _ticket(srv, owner), _ticket(srv, owner)
    pre = srv.http.post(_base(one["id"]) + "/presign", headers=owner["h"], json={
        "filename": "a.txt", "content_type": "text/plain", "size_bytes": 3}).json()
    body = {"filename": "a.txt", "content_type": "text/plain", "size_bytes": 3}
    for ticket, key in ((two, pre["s3_key"]),  # another ticket's key
                        (one, f"attachments/{one['id']}/made-up/a.txt")):  # never presigned
        r = srv.http.post(_base(ticket["id"]) + "/confirm", headers=owner["h"],
                          json=body | {"s3_key": key})
        assert r.status_code == 422, r.text
        assert r.json()["error"]["details"][0]["field"] == "s3_key"
    assert srv.http.get(_base(two["id"]), headers=owner["h"]).json()["items"] == []


def test_pagination(s3_server):
    srv = s3_server
    owner = _user(srv, "owner")
    ticket = _ticket(srv, owner)
    made = []
    for name in ("one.txt", "two.txt", "three.txt"):
        pre = srv.http.post(_base(ticket["id"]) + "/presign", headers=owner["h"], json={
            "filename": name, "content_type": "text/plain", "size_bytes": 1}).json()
        made.append(srv.http.post(_base(ticket["id"]) + "/confirm", headers=owner["h"], json={
            "filename": name, "content_type": "text/plain", "size_bytes": 1,
            "s3_key": pre["s3_key"]}).json()["id"])
    first = srv.http.get(_base(ticket["id"]), headers=owner["h"], params={"limit": 2}).json()
    assert first["has_more"] and len(first["items"]) == 2
    rest = srv.http.get(_base(ticket["id"]), headers=owner["h"],
                        params={"limit": 2, "cursor": first["next_cursor"]}).json()
    assert not rest["has_more"] and rest["next_cursor"] is None
    assert [a["id"] for a in first["items"] + rest["items"]] == made


def test_roles_and_tenancy(s3_server):
    srv = s3_server
    owner, member, viewer, reporter, stranger = (_user(srv, n) for n in (
        "owner", "member", "viewer", "reporter", "stranger"))
    for user, role in ((member, "member"), (viewer, "viewer"), (reporter, "reporter")):
        r = srv.http.post(f"/api/v1/orgs/{owner['org_id']}/members", headers=owner["h"],
                          json={"user_id": user["user_id"], "role": role})
        assert r.status_code in (200, 201), r.text
    ticket = _ticket(srv, owner)
    presign = {"filename": "x.txt", "content_type": "text/plain", "size_bytes": 1}
    pre = srv.http.post(_base(ticket["id"]) + "/presign", headers=owner["h"], json=presign)
    confirm = presign | {"s3_key": pre.json()["s3_key"]}
    hv = viewer["h"] | {"X-Alloy-Org-Id": owner["org_id"]}
    assert srv.http.get(_base(ticket["id"]), headers=hv).status_code == 200
    assert srv.http.post(_base(ticket["id"]) + "/presign", headers=hv,
                         json=presign).status_code == 403
    assert srv.http.post(_base(ticket["id"]) + "/confirm", headers=hv,
                         json=confirm).status_code == 403
    hm = member["h"] | {"X-Alloy-Org-Id": owner["org_id"]}
    assert srv.http.post(_base(ticket["id"]) + "/presign", headers=hm,
                         json=presign).status_code == 200
    made = srv.http.post(_base(ticket["id"]) + "/confirm", headers=hm, json=confirm)
    assert made.status_code == 201 and made.json()["uploaded_by"] == member["user_id"]
    # A Reporter writes only on projects they are assigned to (as with comments).
    hr = reporter["h"] | {"X-Alloy-Org-Id": owner["org_id"]}
    assert srv.http.post(_base(ticket["id"]) + "/presign", headers=hr,
                         json=presign).status_code == 403
    r = srv.http.post(f"/api/v1/projects/{ticket['project_id']}/members", headers=owner["h"],
                      json={"user_id": reporter["user_id"]})
    assert r.status_code in (200, 201), r.text
    assert srv.http.post(_base(ticket["id"]) + "/presign", headers=hr,
                         json=presign).status_code == 200
    confirm_again = presign | {"s3_key": "attachments/x"}
    for method, path, body in (("GET", "", None), ("POST", "/presign", presign),
                               ("POST", "/confirm", confirm_again)):
        r = srv.http.request(method, _base(ticket["id"]) + path, headers=stranger["h"],
                             json=body)
        assert r.status_code == 404, (path, r.text)
    assert srv.http.get(_base(ticket["id"])).status_code == 401


def test_bad_input_lists_each_field(s3_server):
    srv = s3_server
    owner = _user(srv, "owner")
    ticket = _ticket(srv, owner)
    cases = [({"filename": "", "content_type": "image", "size_bytes": 0},
              ["filename", "content_type", "size_bytes"]),
             ({"filename": "big.iso", "content_type": "application/x-iso9660-image",
               "size_bytes": 100 * 1024 * 1024 + 1}, ["size_bytes"]),
             ({}, ["filename", "content_type", "size_bytes"]),
             ({"filename": "a", "content_type": "text/plain", "size_bytes": "ten"},
              ["size_bytes"])]
    for body, fields in cases:
        r = srv.http.post(_base(ticket["id"]) + "/presign", headers=owner["h"], json=body)
        assert r.status_code == 422, r.text
        assert [d["field"] for d in r.json()["error"]["details"]] == fields
    r = srv.http.post(_base(ticket["id"]) + "/confirm", headers=owner["h"],
                      json={"filename": "a", "content_type": "text/plain", "size_bytes": -1})
    assert r.status_code == 422
    assert [d["field"] for d in r.json()["error"]["details"]] == ["size_bytes", "s3_key"]
    bad = srv.http.post(_base(ticket["id"]) + "/presign", headers=owner["h"],
                        content=b"{not json")
    assert bad.status_code == 400
    missing = srv.http.post(_base("00000000-0000-7000-8000-000000000000") + "/presign",
                            headers=owner["h"], json={"filename": "a", "content_type": "a/b",
                                                      "size_bytes": 1})
    assert missing.status_code == 404


def test_unconfigured_storage_answers_503(server, register):
    """The session server has no ALLOY_S3_* settings."""
    owner = register("owner")
    owner["h"] = auth(owner["access_token"])
    ticket = _ticket(server, owner)
    r = server.http.post(_base(ticket["id"]) + "/presign", headers=owner["h"], json={
        "filename": "a.png", "content_type": "image/png", "size_bytes": 10})
    assert r.status_code == 503
    err = r.json()["error"]
    assert err["code"] == "NOT_CONFIGURED"
    assert "ALLOY_S3_ACCESS_KEY_ID" in err["message"]
    assert "ALLOY_S3_SECRET_ACCESS_KEY" in err["message"]
    listed = server.http.get(_base(ticket["id"]), headers=owner["h"])
    assert listed.status_code == 200 and listed.json()["items"] == []


def scenario_attachments(side, s3_url: str, tag: str) -> list:
    def url(u):  # signatures and dates differ per call: keep where the URL points
        return u.split("?", 1)[0].replace(s3_url, "<s3>") if u else u

    owner = side.anon.call("auth.register", body={
        "email": f"att-{tag}@example.com", "password": "password123", "display_name": "O"})
    o = side.as_user(owner["access_token"])
    project = o.call("projects.create", body={"name": "Files", "key": "FILE"})
    ticket = o.call("tickets.create", project_id=project["id"], body={"title": "T"})
    body = {"filename": "notes.txt", "content_type": "text/plain", "size_bytes": 5}
    pre = o.call("attachments.presign", ticket_id=ticket["id"], body=body)
    seen = [{"s3_key": pre["s3_key"], "upload_url": url(pre["upload_url"])}]
    seen.append(httpx.put(pre["upload_url"], content=b"hello",
                          headers={"Content-Type": "text/plain"}).status_code)
    seen.append(o.attempt("attachments.presign", ticket_id=ticket["id"],
                          body=body | {"size_bytes": 0}))
    made = o.call("attachments.confirm", ticket_id=ticket["id"],
                  body=body | {"s3_key": pre["s3_key"], "uploaded_by": owner["user_id"]})
    seen.append(made | {"download_url": url(made["download_url"])})
    seen.append(o.attempt("attachments.confirm", ticket_id=ticket["id"],
                          body=body | {"s3_key": pre["s3_key"]}))
    seen.append(o.attempt("attachments.confirm", ticket_id=ticket["id"],
                          body=body | {"s3_key": "attachments/elsewhere/x.txt"}))
    listed = o.call("attachments.list", ticket_id=ticket["id"])
    seen.append(httpx.get(listed["items"][0]["download_url"]).content.decode())
    for item in listed["items"]:
        item["download_url"] = url(item["download_url"])
    seen.append(listed)
    seen.append(o.attempt("attachments.list", ticket_id="00000000-0000-7000-8000-000000000000"))
    return seen


def test_attachments_contract(s3, s3_server, tmp_path, monkeypatch):
    for k, v in s3.env.items():
        monkeypatch.setenv(k, v)  # the embedded side reads the same settings
    local = scenario_attachments(LocalSide(tmp_path), s3.url, "c1")
    remote = scenario_attachments(RemoteSide(s3_server), s3.url, "c1")
    assert normalize(local) == normalize(remote)
    assert local[1] == 200 and local[6] == "hello"
    assert {"error": "CONFLICT", "status": 409} in local




def test_doc_examples_run(s3, tmp_path):
    from tests.docs_runner import run_doc
    from tests.support import ROOT

    srv = Server(tmp_path, ALLOY_REGISTRATION="open", **s3.env)
    try:
        run = run_doc(ROOT / "docs" / "attachments.md", {**srv.env, "BASE_URL": srv.url},
                      tmp_path)
    finally:
        srv.stop()
    assert "same bytes" in run.stdout
