"""Invites, sessions and logins under attack (issue 14, items 6, 7 and 8), on a live server."""

from __future__ import annotations

import pytest

from tests.support import auth


@pytest.fixture
def org_with_roles(server, register):
    owner = register("invowner")
    h = auth(owner["access_token"])
    org = owner["org_id"]
    heads = {"Owner": h}
    for role in ("Admin", "Member", "Viewer"):
        code = server.http.post(f"/api/v1/orgs/{org}/invites", headers=h,
                                json={"role": role}).json()["invite_code"]
        heads[role] = auth(register(role.lower(), invite_code=code)["access_token"])
    pending = {role: server.http.post(f"/api/v1/orgs/{org}/invites", headers=h,
                                      json={"role": role}).json()["id"]
               for role in ("Owner", "Admin", "Member")}
    return server, org, heads, pending


def _codes(server, org, headers) -> dict:
    r = server.http.get(f"/api/v1/orgs/{org}/invites?limit=100", headers=headers)
    assert r.status_code == 200, r.text
    return {i["id"]: (i["invite_code"], i["invite_link"]) for i in r.json()["items"]}


def test_invite_codes_are_shown_only_to_who_could_make_the_invite(org_with_roles):
    server, org, heads, pending = org_with_roles
    for role in ("Member", "Viewer"):  # they list invites, but a code would make them Admin
        seen = _codes(server, org, heads[role])
        assert set(pending.values()) <= set(seen)
        assert all(code is None and link is None for code, link in seen.values()), role
    admin = _codes(server, org, heads["Admin"])
    assert admin[pending["Admin"]][0] and admin[pending["Member"]][1].endswith(
        admin[pending["Member"]][0])
    assert admin[pending["Owner"]] == (None, None)  # an Admin cannot grant Owner
    assert all(code for code, _ in _codes(server, org, heads["Owner"]).values())


def test_a_read_key_of_an_owner_sees_no_invite_codes(org_with_roles):
    server, org, heads, pending = org_with_roles
    key = server.http.post("/api/v1/api-keys", headers=heads["Owner"],
                           json={"name": "ro", "scopes": ["read"]}).json()["key"]
    seen = _codes(server, org, auth(key))
    assert seen[pending["Member"]] == (None, None)


def _refresh(server, token):
    return server.http.post("/api/v1/auth/refresh", json={"refresh_token": token})


def test_refresh_token_reuse_revokes_the_whole_family(server, register):
    user = register("family")
    login = lambda: server.http.post("/api/v1/auth/login", json={  # noqa: E731
        "email": user["email"], "password": "password123"}).json()["refresh_token"]
    stolen, other_device = login(), login()
    newer = _refresh(server, stolen).json()["refresh_token"]
    newest = _refresh(server, newer).json()["refresh_token"]
    assert _refresh(server, stolen).status_code == 401  # the replay ...
    r = _refresh(server, newest)  # ... kills the family's live token too
    assert r.status_code == 401 and r.json()["error"]["code"] == "UNAUTHORIZED"
    assert _refresh(server, other_device).status_code == 200  # another login is untouched


def test_logout_then_reuse_is_refused(server, register):
    token = register("logoutreuse")["refresh_token"]
    assert server.http.post("/api/v1/auth/logout", json={"refresh_token": token}).status_code == 204
    assert server.http.post("/api/v1/auth/logout", json={"refresh_token": token}).status_code == 401
    assert _refresh(server, token).status_code == 401


def test_login_costs_one_password_verification_whether_or_not_the_email_exists(
        tmp_path, monkeypatch):
    """Timing: an unknown email is checked against a dummy hash (argon2's own verify counted)."""
    import argon2

    from alloy.client.local import LocalClient
    from alloy.config import Settings
    from alloy.env import bootstrap
    from alloy.errors import Unauthorized

    monkeypatch.setenv("ALLOY_DATA_DIR", str(tmp_path))
    anon = LocalClient(bootstrap(Settings.from_env(
        ALLOY_DATABASE_URL=f"sqlite:///{tmp_path}/t.db")), None)
    anon.call("auth.register", body={"email": "known@example.com", "password": "password123",
                                     "display_name": "Known"})
    calls = []
    real = argon2.PasswordHasher.verify

    def counted(self, hash, password):
        calls.append(hash)
        return real(self, hash, password)

    monkeypatch.setattr(argon2.PasswordHasher, "verify", counted)
    params = []
    for email in ("known@example.com", "nobody@example.com"):
        calls.clear()
        with pytest.raises(Unauthorized):
            anon.call("auth.login", body={"email": email, "password": "wrong-password"})
        assert len(calls) == 1 and calls[0].startswith("$argon2id$"), email
        params.append(calls[0].split("$")[3])
    assert params[0] == params[1]  # the dummy hash costs what a real one does


def test_passwords_are_hashed_at_owasp_cost_unless_a_test_suite_says_minimal(tmp_path):
    """The suite runs with ALLOY_PASSWORD_HASHING=minimal; a server without it (as every
    deployment) hashes with OWASP's argon2id profile: 19 MiB, 2 passes, 1 lane."""
    import sqlite3

    from alloy.client.local import LocalClient
    from alloy.config import Settings
    from alloy.env import bootstrap

    stored = {}
    for hashing in ("", "minimal"):  # unset (the default), then the suite's
        db = tmp_path / f"{hashing or 'default'}.db"
        settings = Settings.from_env({"ALLOY_DATA_DIR": str(tmp_path), "ALLOY_PASSWORD_HASHING": hashing,
                                      "ALLOY_DATABASE_URL": f"sqlite:///{db}"})
        anon = LocalClient(bootstrap(settings), None)
        anon.call("auth.register", body={"email": "a@example.com", "password": "password123",
                                         "display_name": "A"})
        assert anon.call("auth.login", body={"email": "a@example.com",
                                             "password": "password123"})
        with sqlite3.connect(db) as conn:
            stored[hashing] = conn.execute("SELECT password_hash FROM users").fetchone()[0]
    assert stored[""].startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert stored["minimal"].startswith("$argon2id$v=19$m=8,t=1,p=1$")
