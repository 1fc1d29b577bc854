"""The HTTP API for identity, as Getting Started (01) and the Auth Deep Dive (42) use it."""

from __future__ import annotations

import time

import httpx

from tests.conftest import unique_email
from tests.support import Server, auth


def test_getting_started_steps_1_to_3(server):
    assert "Listening on" in server.output()
    r = server.http.post("/api/v1/auth/register", json={
        "email": unique_email("tutorial"), "password": "tutorial1",
        "display_name": "Tutorial User"})
    assert r.status_code == 201
    reg = r.json()
    assert set(reg) >= {"user_id", "email", "display_name", "access_token", "refresh_token"}
    h = auth(reg["access_token"])
    slug = f"tutorial-corp-{reg['user_id'][-6:]}"
    org = server.http.post("/api/v1/orgs", headers=h, json={"name": "Tutorial Corp",
                                                            "slug": slug}).json()
    assert org["name"] == "Tutorial Corp" and org["slug"] == slug
    listed = server.http.get("/api/v1/orgs", headers=h).json()
    assert org["id"] in [o["id"] for o in listed["items"]]
    invite = server.http.post(f"/api/v1/orgs/{org['id']}/invites", headers=h, json={
        "email": "teammate@example.com", "role": "member", "created_by": reg["user_id"]})
    assert invite.status_code == 201
    body = invite.json()
    assert body["role"] == "Member" and body["email"] == "teammate@example.com"
    assert body["invite_code"] and body["invite_link"].endswith(body["invite_code"])
    assert body["expires_at"]


def test_auth_deep_dive(server):
    email = unique_email("authdemo")
    reg = server.http.post("/api/v1/auth/register", json={
        "email": email, "password": "authdemo1", "display_name": "Auth Demo User"}).json()
    h = auth(reg["access_token"])
    orgs = server.http.get("/api/v1/orgs", headers=h).json()["items"]
    assert len(orgs) == 1 and set(orgs[0]) >= {"id", "name", "slug", "created_at", "updated_at"}
    login = server.http.post("/api/v1/auth/login", json={"email": email, "password": "authdemo1"})
    assert login.status_code == 200 and login.json()["display_name"] == "Auth Demo User"
    refresh_token = login.json()["refresh_token"]
    new = server.http.post("/api/v1/auth/refresh", json={"refresh_token": refresh_token})
    assert new.status_code == 200 and new.json()["refresh_token"] != refresh_token
    out = server.http.post("/api/v1/auth/logout",
                           json={"refresh_token": new.json()["refresh_token"]})
    assert out.status_code == 204 and out.content == b""
    reused = server.http.post("/api/v1/auth/refresh", json={"refresh_token": refresh_token})
    assert reused.status_code == 401
    again = server.http.post("/api/v1/auth/refresh",
                             json={"refresh_token": new.json()["refresh_token"]})
    assert again.status_code == 401 and again.json()["error"]["code"] == "UNAUTHORIZED"

    key = server.http.post("/api/v1/api-keys", headers=h, json={"name": "CI Pipeline Key"}).json()
    assert key["key"].startswith("alloy_live_") and len(key["key"]) == len("alloy_live_") + 32
    assert key["scopes"] == ["read", "write"] and key["project_ids"] == []
    assert key["expires_at"] is None
    listed = server.http.get("/api/v1/api-keys", headers=h).json()["items"]
    assert [k["name"] for k in listed] == ["CI Pipeline Key"] and "key" not in listed[0]
    kh = auth(key["key"])
    assert server.http.get("/api/v1/auth/me", headers=kh).status_code == 200
    assert server.http.get("/api/v1/api-keys", headers=h).json()["items"][0]["last_used_at"]

    ro = server.http.post("/api/v1/api-keys", headers=h, json={
        "name": "Read-Only Dashboard Key", "scopes": ["read"]}).json()
    assert ro["scopes"] == ["read"]
    denied = server.http.post("/api/v1/orgs", headers=auth(ro["key"]),
                              json={"name": "X", "slug": f"x-{ro['id'][-8:]}"})
    assert denied.status_code == 403
    assert server.http.get("/api/v1/orgs", headers=auth(ro["key"])).status_code == 200

    d = server.http.delete(f"/api/v1/api-keys/{key['id']}", headers=h)
    assert d.status_code == 204
    assert server.http.get("/api/v1/auth/me", headers=kh).status_code == 401


def test_expired_api_key_is_refused(server, register):
    h = auth(register("expiry")["access_token"])
    soon = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 2))
    key = server.http.post("/api/v1/api-keys", headers=h,
                           json={"name": "short", "expires_at": soon}).json()
    assert server.http.get("/api/v1/auth/me", headers=auth(key["key"])).status_code == 200
    time.sleep(2.5)
    r = server.http.get("/api/v1/auth/me", headers=auth(key["key"]))
    assert r.status_code == 401
    past = server.http.post("/api/v1/api-keys", headers=h,
                            json={"name": "past", "expires_at": "2020-01-01T00:00:00Z"})
    assert past.status_code == 422


def test_me_reports_role_scopes_and_projects(server, register):
    pair = register("me")
    me = server.http.get("/api/v1/auth/me", headers=auth(pair["access_token"])).json()
    assert me["role"] == "Owner" and me["scopes"] == ["*"]
    assert me["allowed_project_ids"] is None and me["user_id"] == pair["user_id"]


def test_isolation_between_orgs(server, register):
    alice, mallory = register("alice"), register("mallory")
    ha, hm = auth(alice["access_token"]), auth(mallory["access_token"])
    org = alice["org_id"]
    for method, path, body in [
        ("GET", f"/api/v1/orgs/{org}", None),
        ("PATCH", f"/api/v1/orgs/{org}", {"name": "pwned"}),
        ("GET", f"/api/v1/orgs/{org}/members", None),
        ("POST", f"/api/v1/orgs/{org}/members", {"user_id": mallory["user_id"], "role": "owner"}),
        ("GET", f"/api/v1/orgs/{org}/invites", None),
        ("POST", f"/api/v1/orgs/{org}/invites", {"role": "owner"}),
    ]:
        r = server.http.request(method, path, headers=hm, json=body)
        assert r.status_code == 404, (method, path, r.text)
        assert r.json()["error"]["code"] == "NOT_FOUND"
    mine = server.http.get("/api/v1/orgs", headers=hm).json()["items"]
    assert org not in [o["id"] for o in mine]
    assert server.http.get(f"/api/v1/orgs/{org}", headers=ha).json()["name"] != "pwned"


def test_roles_on_invites_and_members(server, register):
    owner = register("owner")
    h = auth(owner["access_token"])
    org = owner["org_id"]
    users = {}
    for role in ("admin", "member", "reporter", "viewer"):
        inv = server.http.post(f"/api/v1/orgs/{org}/invites", headers=h,
                               json={"role": role}).json()
        users[role] = register(role, invite_code=inv["invite_code"])
        assert users[role]["org_id"] == org
    expected = {"admin": 201, "member": 403, "reporter": 403, "viewer": 403}
    for role, code in expected.items():
        r = server.http.post(f"/api/v1/orgs/{org}/invites",
                             headers=auth(users[role]["access_token"]), json={"role": "member"})
        assert r.status_code == code, (role, r.text)
        listed = server.http.get(f"/api/v1/orgs/{org}/invites",
                                 headers=auth(users[role]["access_token"]))
        assert listed.status_code == 200
    admin_h = auth(users["admin"]["access_token"])
    r = server.http.post(f"/api/v1/orgs/{org}/invites", headers=admin_h, json={"role": "owner"})
    assert r.status_code == 403
    r = server.http.patch(f"/api/v1/orgs/{org}", headers=admin_h, json={"name": "x"})
    assert r.status_code == 403
    members = server.http.get(f"/api/v1/orgs/{org}/members", headers=h).json()["items"]
    assert sorted(m["role"] for m in members) == ["Admin", "Member", "Owner", "Reporter",
                                                  "Viewer"]


def test_errors_are_enveloped(server, register):
    h = auth(register("errs")["access_token"])
    bad_json = server.http.post("/api/v1/orgs", headers={**h, "Content-Type": "application/json"},
                                content=b'{"name": ')
    assert bad_json.status_code == 400 and bad_json.json()["error"]["code"] == "BAD_REQUEST"
    invalid = server.http.post("/api/v1/orgs", headers=h, json={"name": "", "slug": "Not A Slug"})
    assert invalid.status_code == 422
    err = invalid.json()["error"]
    assert err["code"] == "VALIDATION_ERROR"
    assert [d["field"] for d in err["details"]] == ["name", "slug"]
    missing = server.http.post("/api/v1/auth/register", json={})
    assert {d["field"] for d in missing.json()["error"]["details"]} == {
        "email", "password", "display_name"}
    assert server.http.post("/api/v1/orgs", headers=h, json=[1, 2]).status_code == 422
    assert server.http.get("/api/v1/orgs").status_code == 401
    assert server.http.get("/api/v1/orgs", headers={"Authorization": "Bearer junk"}
                           ).status_code == 401
    assert server.http.get("/api/v1/orgs?limit=500", headers=h).status_code == 422
    assert server.http.get("/api/v1/orgs?cursor=%%%", headers=h).status_code == 422
    nf = server.http.get("/api/v1/nothing-here")
    assert nf.status_code == 404 and nf.json()["error"]["code"] == "NOT_FOUND"


def test_pagination(server, register):
    pair = register("pager")
    h = auth(pair["access_token"])
    for i in range(4):
        server.http.post("/api/v1/orgs", headers=h,
                         json={"name": f"O{i}", "slug": f"pager-{pair['user_id'][-8:]}-{i}"})
    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = server.http.get("/api/v1/orgs", headers=h, params=params).json()
        seen += [o["id"] for o in page["items"]]
        if not page["has_more"]:
            assert page["next_cursor"] is None
            break
        cursor = page["next_cursor"]
    assert len(seen) == 5 == len(set(seen))


def test_openapi_is_served_and_typed(server):
    doc = server.http.get("/schema/openapi.json").json()
    post = doc["paths"]["/api/v1/auth/register"]["post"]
    ref = post["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema = doc["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert set(schema["required"]) == {"email", "password", "display_name"}
    assert "/api/v1/orgs/{org_id}/invites" in doc["paths"]


def test_invite_only_registration(tmp_path):
    srv = Server(tmp_path, ALLOY_REGISTRATION="invite")
    try:
        body = {"email": "first@example.com", "password": "password123", "display_name": "F"}
        r = srv.http.post("/api/v1/auth/register", json=body)
        assert r.status_code == 403
        r = srv.http.post("/api/v1/auth/register", json={**body, "invite_code": "bogus"})
        assert r.status_code == 403
        assert srv.http.get("/api/v1/onboard").json() == {"needs_onboarding": True}
        boot = srv.http.post("/api/v1/onboard", json={
            "email": "admin@example.com", "password": "password123", "org_name": "Acme",
            "org_slug": "acme"}).json()
        h = auth(boot["api_key"])
        inv = srv.http.post(f"/api/v1/orgs/{boot['org_id']}/invites", headers=h,
                            json={"email": "first@example.com"}).json()
        wrong = srv.http.post("/api/v1/auth/register", json={
            **body, "email": "other@example.com", "invite_code": inv["invite_code"]})
        assert wrong.status_code == 403
        ok = srv.http.post("/api/v1/auth/register", json={**body, "invite_code": inv["invite_code"]})
        assert ok.status_code == 201 and ok.json()["org_id"] == boot["org_id"]
        reuse = srv.http.post("/api/v1/auth/register", json={
            **body, "email": "first2@example.com", "invite_code": inv["invite_code"]})
        assert reuse.status_code == 403
    finally:
        srv.stop()


def test_tokens_survive_restart(tmp_path):
    srv = Server(tmp_path)
    token = srv.http.post("/api/v1/auth/register", json={
        "email": "keep@example.com", "password": "password123", "display_name": "K"}
    ).json()["access_token"]
    srv.stop()
    assert (tmp_path / "data" / "jwt_ed25519.pem").stat().st_mode & 0o777 == 0o600
    srv = Server(tmp_path)
    try:
        assert srv.http.get("/api/v1/auth/me", headers=auth(token)).status_code == 200
    finally:
        srv.stop()
    assert "Shutdown complete." in srv.output()  # SIGTERM shuts down gracefully


def test_concurrent_requests(server, register):
    h = auth(register("busy")["access_token"])
    with httpx.Client(base_url=server.url, timeout=30) as c:
        import concurrent.futures as cf

        with cf.ThreadPoolExecutor(8) as pool:
            codes = list(pool.map(lambda _: c.get("/api/v1/auth/me", headers=h).status_code,
                                  range(40)))
    assert codes == [200] * 40


def test_api_key_acts_in_its_own_org(server, register):
    """Spec 54 binds a key to its org: a later org needs a key made for it (X-Alloy-Org-Id)."""
    pair = register("twoorgs")
    h = auth(pair["access_token"])
    key = server.http.post("/api/v1/api-keys", headers=h, json={"name": "k"}).json()["key"]
    other = server.http.post("/api/v1/orgs", headers=h, json={
        "name": "Other", "slug": f"other-{pair['user_id'][-8:]}"}).json()
    kh = auth(key)
    assert server.http.get(f"/api/v1/orgs/{other['id']}", headers=kh).status_code == 404
    listed = server.http.get("/api/v1/orgs", headers=kh).json()["items"]
    assert {o["id"] for o in listed} == {pair["org_id"]}
    for_other = server.http.post("/api/v1/api-keys", headers={**h, "X-Alloy-Org-Id": other["id"]},
                                 json={"name": "other"}).json()["key"]
    assert server.http.get(f"/api/v1/orgs/{other['id']}",
                           headers=auth(for_other)).status_code == 200
    stranger = register("keystranger")
    assert server.http.get(f"/api/v1/orgs/{stranger['org_id']}", headers=kh).status_code == 404
