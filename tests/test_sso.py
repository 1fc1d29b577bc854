"""SSO with OIDC + PKCE against a local identity provider speaking the real protocol."""

from __future__ import annotations

import httpx
import pytest

from tests.fake_oidc import FakeIdP
from tests.support import auth


@pytest.fixture
def idp():
    provider = FakeIdP()
    yield provider
    provider.stop()


def _sign_in(server, idp, org_id: str) -> httpx.Response:
    found = server.http.get("/api/v1/auth/sso/discover", params={"org_id": org_id})
    assert found.status_code == 200, found.text
    body = found.json()
    assert "code_challenge_method=S256" in body["authorization_url"]
    at_idp = httpx.get(body["authorization_url"], follow_redirects=False)
    assert at_idp.status_code == 302
    callback = httpx.URL(at_idp.headers["location"])
    assert callback.path == "/api/v1/auth/sso/callback"
    assert callback.params["state"] == body["state"]
    return server.http.get("/api/v1/auth/sso/callback", params=dict(callback.params))


def test_sso_login_creates_a_member(server, register, idp):
    owner = register("ssoowner")
    h, org = auth(owner["access_token"]), owner["org_id"]
    assert server.http.get("/api/v1/auth/sso/discover", params={"org_id": org}).status_code == 404
    made = server.http.post(f"/api/v1/orgs/{org}/identity-providers", headers=h, json={
        "provider_type": "oidc", "provider_name": "okta", "issuer_url": idp.url,
        "client_id": idp.client_id, "client_secret": idp.client_secret})
    assert made.status_code == 201 and "client_secret" not in made.json()
    idp.user = {"email": f"sso-{org[-8:]}@example.com", "name": "Sso User"}
    signed = _sign_in(server, idp, org)
    assert signed.status_code == 200, signed.text
    me = server.http.get("/api/v1/auth/me", headers=auth(signed.json()["access_token"])).json()
    assert me["role"] == "Member" and me["org_id"] == org and me["email"] == idp.user["email"]
    again = _sign_in(server, idp, org)
    assert again.status_code == 200 and again.json()["user_id"] == signed.json()["user_id"]
    members = server.http.get(f"/api/v1/orgs/{org}/members", headers=h).json()["items"]
    assert sorted(m["role"] for m in members) == ["Member", "Owner"]


def test_sso_refuses_replays_and_bad_secrets(server, register, idp):
    owner = register("ssoowner2")
    h, org = auth(owner["access_token"]), owner["org_id"]
    server.http.post(f"/api/v1/orgs/{org}/identity-providers", headers=h, json={
        "issuer_url": idp.url, "client_id": idp.client_id, "client_secret": "wrong"})
    found = server.http.get("/api/v1/auth/sso/discover", params={"org_id": org}).json()
    at_idp = httpx.get(found["authorization_url"], follow_redirects=False)
    params = dict(httpx.URL(at_idp.headers["location"]).params)
    refused = server.http.get("/api/v1/auth/sso/callback", params=params)
    assert refused.status_code == 401
    replay = server.http.get("/api/v1/auth/sso/callback", params=params)
    assert replay.status_code == 401 and "state" in replay.json()["error"]["message"]
    bogus = server.http.get("/api/v1/auth/sso/callback", params={"code": "x", "state": "nope"})
    assert bogus.status_code == 401
    assert server.http.get("/api/v1/auth/sso/callback").status_code == 422


def test_sso_login_redirects_by_slug_and_needs_admin(server, register, idp):
    owner = register("ssoowner3")
    h, org = auth(owner["access_token"]), owner["org_id"]
    slug = server.http.get(f"/api/v1/orgs/{org}", headers=h).json()["slug"]
    viewer_invite = server.http.post(f"/api/v1/orgs/{org}/invites", headers=h,
                                     json={"role": "viewer"}).json()
    viewer = register("ssoviewer", invite_code=viewer_invite["invite_code"])
    body = {"issuer_url": idp.url, "client_id": idp.client_id, "client_secret": "s"}
    denied = server.http.post(f"/api/v1/orgs/{org}/identity-providers",
                              headers=auth(viewer["access_token"]), json=body)
    assert denied.status_code == 403
    assert server.http.post(f"/api/v1/orgs/{org}/identity-providers", headers=h,
                            json=body).status_code == 201
    assert server.http.post(f"/api/v1/orgs/{org}/identity-providers", headers=h,
                            json=body).status_code == 409
    go = server.http.get("/api/v1/auth/sso/login", params={"org": slug}, follow_redirects=False)
    assert go.status_code == 302 and go.headers["location"].startswith(idp.url + "/authorize?")
    listed = server.http.get(f"/api/v1/orgs/{org}/identity-providers", headers=h).json()
    pid = listed["items"][0]["id"]
    assert server.http.delete(f"/api/v1/orgs/{org}/identity-providers/{pid}",
                              headers=h).status_code == 204
