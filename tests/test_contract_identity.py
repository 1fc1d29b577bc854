"""Identity operations behave the same embedded and remote."""

from __future__ import annotations

from tests.contract import LocalSide, RemoteSide, normalize
from tests.support import Server


def scenario_identity(side, tag: str) -> list:
    seen = []
    alice = side.anon.call("auth.register", body={
        "email": f"alice-{tag}@example.com", "password": "password123", "display_name": "Alice"})
    seen.append(alice)
    seen.append(side.anon.attempt("auth.register", body={
        "email": f"alice-{tag}@example.com", "password": "password123", "display_name": "A"}))
    seen.append(side.anon.attempt("auth.register", body={"email": "nope", "password": "x"}))
    seen.append(side.anon.attempt("auth.login", body={
        "email": f"alice-{tag}@example.com", "password": "wrong-password"}))
    pair = side.anon.call("auth.login", body={"email": f"alice-{tag}@example.com",
                                              "password": "password123"})
    seen.append(pair)
    rotated = side.anon.call("auth.refresh", body={"refresh_token": pair["refresh_token"]})
    seen.append(side.anon.call("auth.logout", body={"refresh_token": rotated["refresh_token"]}))
    seen.append(side.anon.attempt("auth.refresh", body={"refresh_token": pair["refresh_token"]}))
    seen.append(side.anon.attempt("auth.refresh",
                                  body={"refresh_token": rotated["refresh_token"]}))
    a = side.as_user(alice["access_token"])
    seen.append(a.call("auth.me"))
    org = a.call("orgs.create", body={"name": "Acme", "slug": f"acme-{tag}"})
    seen.append(org)
    seen.append(a.attempt("orgs.create", body={"name": "Dup", "slug": f"acme-{tag}"}))
    seen.append(a.call("orgs.list"))
    seen.append(a.call("orgs.get", org_id=org["id"]))
    seen.append(a.call("orgs.update", org_id=org["id"], body={"name": "Acme Inc"}))
    invite = a.call("invites.create", org_id=org["id"],
                    body={"email": f"bob-{tag}@example.com", "role": "viewer"})
    seen.append(invite)
    seen.append(a.call("invites.list", org_id=org["id"]))
    bob = side.anon.call("auth.register", body={
        "email": f"bob-{tag}@example.com", "password": "password123", "display_name": "Bob",
        "invite_code": invite["invite_code"]})
    seen.append(bob)
    b = side.as_user(bob["access_token"])
    seen.append(b.call("auth.me"))
    seen.append(b.attempt("invites.create", org_id=org["id"], body={"role": "member"}))
    seen.append(b.attempt("orgs.update", org_id=org["id"], body={"name": "Hacked"}))
    carol = side.anon.call("auth.register", body={
        "email": f"carol-{tag}@example.com", "password": "password123", "display_name": "Carol"})
    c = side.as_user(carol["access_token"])
    seen.append(c.attempt("orgs.get", org_id=org["id"]))
    seen.append(c.attempt("orgs.list_members", org_id=org["id"]))
    seen.append(a.call("orgs.add_member", org_id=org["id"],
                       body={"user_id": carol["user_id"], "role": "member"}))
    seen.append(a.attempt("orgs.add_member", org_id=org["id"],
                          body={"user_id": carol["user_id"]}))
    seen.append(a.call("orgs.update_member", org_id=org["id"], user_id=carol["user_id"],
                       body={"role": "admin"}))
    seen.append(a.call("orgs.list_members", org_id=org["id"]))
    seen.append(a.call("orgs.remove_member", org_id=org["id"], user_id=carol["user_id"]))
    second = a.call("invites.create", org_id=org["id"], body={"role": "member"})
    seen.append(c.call("invites.accept", body={"invite_code": second["invite_code"]}))
    third = a.call("invites.create", org_id=org["id"], body={})
    seen.append(a.call("invites.revoke", org_id=org["id"], invite_id=third["id"]))
    seen.append(c.attempt("invites.accept", body={"invite_code": third["invite_code"]}))
    key = a.call("apikeys.create", body={"name": "CI", "scopes": ["read"]})
    seen.append(key)
    seen.append(a.call("apikeys.list"))
    k = side.as_user(key["key"])
    seen.append(k.call("orgs.list"))
    seen.append(k.attempt("orgs.create", body={"name": "X", "slug": f"x-{tag}"}))
    seen.append(a.call("apikeys.revoke", key_id=key["id"]))
    seen.append(side.as_user(key["key"]).attempt("orgs.list"))
    seen.append(side.anon.call("system.health"))
    seen.append(side.anon.call("system.version"))
    seen.append(side.anon.call("onboard.status"))
    return seen


def scenario_onboarding(side) -> list:
    seen = [side.anon.call("onboard.status")]
    seen.append(side.anon.call("onboard.run", body={
        "email": "admin@acme.example", "password": "password123", "org_name": "Acme",
        "org_slug": "acme"}))
    seen.append(side.anon.attempt("onboard.run", body={
        "email": "admin2@acme.example", "password": "password123", "org_name": "Acme2",
        "org_slug": "acme2"}))
    seen.append(side.anon.call("onboard.status"))
    key = side.as_user(seen[1]["api_key"])
    seen.append(key.call("auth.me"))
    return seen


def test_identity_contract(server, tmp_path):
    local = scenario_identity(LocalSide(tmp_path), "c1")
    remote = scenario_identity(RemoteSide(server), "c1")
    assert normalize(local) == normalize(remote)
    assert {"error": "FORBIDDEN", "status": 403} in local  # the viewer's invite
    assert local[-1] == {"needs_onboarding": False}


def test_onboarding_contract(tmp_path):
    (tmp_path / "srv").mkdir()
    (tmp_path / "local").mkdir()
    srv = Server(tmp_path / "srv")
    try:
        local = scenario_onboarding(LocalSide(tmp_path / "local"))
        remote = scenario_onboarding(RemoteSide(srv))
    finally:
        srv.stop()
    assert normalize(local) == normalize(remote)
    assert local[2] == {"error": "CONFLICT", "status": 409}


def scenario_sso(side, idp, tag: str) -> list:
    import httpx

    owner = side.anon.call("auth.register", body={
        "email": f"owner-{tag}@example.com", "password": "password123", "display_name": "O"})
    o = side.as_user(owner["access_token"])
    org = owner["org_id"]
    slug = o.call("orgs.get", org_id=org)["slug"]
    seen = [o.call("sso.create_provider", org_id=org, body={
        "issuer_url": idp.url, "client_id": idp.client_id, "client_secret": idp.client_secret})]
    seen.append(o.call("sso.list_providers", org_id=org))
    found = side.anon.call("sso.discover", query={"org_id": org})
    at_idp = httpx.get(found["authorization_url"], follow_redirects=False)
    params = dict(httpx.URL(at_idp.headers["location"]).params)
    idp_user = side.anon.call("sso.callback", query=params)
    seen.append(side.as_user(idp_user["access_token"]).call("auth.me"))
    seen.append(side.anon.attempt("sso.callback", query=params))
    seen.append(sorted(side.anon.call("sso.login", query={"org": slug})))
    seen.append(o.call("sso.delete_provider", org_id=org, provider_id=seen[0]["id"]))
    seen.append(side.anon.attempt("sso.discover", query={"org_id": org}))
    return seen


def test_sso_contract(server, tmp_path):
    from tests.fake_oidc import FakeIdP

    idp = FakeIdP()
    try:
        idp.user = {"email": "sso-contract@example.com", "name": "S"}
        local = scenario_sso(LocalSide(tmp_path), idp, "sso1")
        remote = scenario_sso(RemoteSide(server), idp, "sso1")
    finally:
        idp.stop()
    assert normalize(local) == normalize(remote)
    assert local[2]["role"] == "Member"


def scenario_webhooks(side, tag: str) -> list:
    owner = side.anon.call("auth.register", body={
        "email": f"hooks-{tag}@example.com", "password": "password123", "display_name": "H"})
    o, org = side.as_user(owner["access_token"]), owner["org_id"]
    hook = o.call("webhooks.create", org_id=org, body={
        "url": "http://127.0.0.1:9/never", "event_types": ["comment.created"]})
    seen = [hook, o.attempt("webhooks.create", org_id=org, body={
        "url": "http://127.0.0.1:9/x", "event_types": ["nope"]})]
    seen.append(o.call("webhooks.list", org_id=org))
    seen.append(o.call("webhooks.get", webhook_id=hook["id"]))
    seen.append(o.call("webhooks.deliveries", webhook_id=hook["id"]))
    seen.append(o.call("webhooks.delete", webhook_id=hook["id"]))
    seen.append(o.attempt("webhooks.get", webhook_id=hook["id"]))
    return seen


def test_webhooks_contract(server, tmp_path):
    local = scenario_webhooks(LocalSide(tmp_path), "wh1")
    remote = scenario_webhooks(RemoteSide(server), "wh1")
    assert normalize(local) == normalize(remote)
