"""SCIM 2.0 provisioning against a real `alloy serve` (ALLOY_SCIM_BEARER_TOKEN/_ORG_ID set)."""

from __future__ import annotations

import itertools

import httpx
import pytest

from tests.docs_runner import run_doc
from tests.fake_oidc import FakeIdP
from tests.support import ROOT, Server, auth

TOKEN = "scim-test-token-0123456789"
SCIM = {"Authorization": f"Bearer {TOKEN}"}
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
_n = itertools.count()


def email(prefix: str) -> str:
    return f"{prefix}{next(_n)}@scim.example.com"


def register(srv: Server, prefix: str) -> dict:
    r = srv.http.post("/api/v1/auth/register", json={
        "email": email(prefix), "password": "password123", "display_name": prefix.title()})
    assert r.status_code == 201, r.text
    return r.json()


def scim_error(r: httpx.Response, status: int, scim_type: str | None = None) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/scim+json")
    body = r.json()
    assert body["schemas"] == [ERROR] and body["status"] == str(status) and body["detail"]
    # RFC 7644 §3.12 and nothing else: providers' validators reject unknown members
    assert set(body) <= {"schemas", "status", "scimType", "detail"}, body
    if scim_type:
        assert body["scimType"] == scim_type, body
    return body


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A server whose SCIM org is named by ALLOY_SCIM_ORG_ID (its owner registered first)."""
    home = tmp_path_factory.mktemp("scim")
    first = Server(home, ALLOY_REGISTRATION="open")
    owner = register(first, "owner")
    first.stop()
    srv = Server(home, ALLOY_REGISTRATION="open", ALLOY_SCIM_BEARER_TOKEN=TOKEN,
                 ALLOY_SCIM_ORG_ID=owner["org_id"])
    yield {"srv": srv, "http": srv.http, "owner": owner, "org": owner["org_id"],
           "h": auth(owner["access_token"])}
    srv.stop()


def provision(http, prefix: str = "new", **extra) -> dict:
    r = http.post("/scim/v2/Users", headers=SCIM,
                  json={"userName": email(prefix), "displayName": prefix.title(), **extra})
    assert r.status_code == 201, r.text
    return r.json()


def patch(http, path: str, *ops: dict) -> httpx.Response:
    return http.patch(f"/scim/v2/{path}", headers=SCIM, json={
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": list(ops)})


# ---- configuration and authentication -----------------------------------------------------

def test_unconfigured_server_answers_503(server):
    body = scim_error(server.http.get("/scim/v2/Users", headers=SCIM), 503)
    assert "error" not in body and "ALLOY_SCIM_BEARER_TOKEN" in body["detail"]


def test_the_org_is_the_only_one_else_503_naming_the_variable(tmp_path):
    srv = Server(tmp_path, ALLOY_REGISTRATION="open", ALLOY_SCIM_BEARER_TOKEN=TOKEN)
    try:
        assert "ALLOY_SCIM_ORG_ID" in scim_error(srv.http.get("/scim/v2/Users", headers=SCIM),
                                                 503)["detail"]
        owner = register(srv, "only")
        users = srv.http.get("/scim/v2/Users", headers=SCIM).json()
        assert [u["id"] for u in users["Resources"]] == [owner["user_id"]]
        second = register(srv, "second")  # a second personal org: now ambiguous
        body = scim_error(srv.http.get("/scim/v2/Users", headers=SCIM), 503)
        assert "ALLOY_SCIM_ORG_ID" in body["detail"] and "error" not in body
    finally:
        srv.stop()
    srv = Server(tmp_path, ALLOY_SCIM_BEARER_TOKEN=TOKEN, ALLOY_SCIM_ORG_ID="no-such-org")
    try:
        body = scim_error(srv.http.get("/scim/v2/Users", headers=SCIM), 503)
        assert "ALLOY_SCIM_ORG_ID" in body["detail"]
    finally:
        srv.stop()
    srv = Server(tmp_path, ALLOY_SCIM_BEARER_TOKEN=TOKEN, ALLOY_SCIM_ORG_ID=second["org_id"])
    try:
        users = srv.http.get("/scim/v2/Users", headers=SCIM).json()
        assert [u["id"] for u in users["Resources"]] == [second["user_id"]]
    finally:
        srv.stop()


@pytest.mark.parametrize("header", [None, "Bearer wrong", f"Basic {TOKEN}", "Bearer",
                                    f"Bearer {TOKEN}x"])
def test_wrong_or_missing_token_is_401_and_changes_nothing(world, header):
    http = world["http"]
    headers = {"Authorization": header} if header else {}
    name = email("nope")
    for r in (http.get("/scim/v2/ServiceProviderConfig", headers=headers),
              http.get("/scim/v2/Users", headers=headers),
              http.post("/scim/v2/Users", headers=headers, json={"userName": name}),
              http.get("/scim/v2/Groups/x", headers=headers)):
        scim_error(r, 401)
        assert r.headers["www-authenticate"].startswith("Bearer")
    found = http.get("/scim/v2/Users", headers=SCIM, params={"filter": f'userName eq "{name}"'})
    assert found.json()["totalResults"] == 0


def test_errors_litestar_raises_under_scim_use_the_scim_schema(world):
    """No route, a method the route lacks, and a body past the size limit: SCIM bodies too."""
    http = world["http"]
    scim_error(http.get("/scim/v2/Nope", headers=SCIM), 404)
    scim_error(http.post("/scim/v2/ServiceProviderConfig", headers=SCIM, json={}), 405)
    scim_error(http.post("/scim/v2/Users", headers=SCIM, content=b"x" * (3 * 1024 * 1024)), 413)
    assert "error" in http.get("/api/v1/nope").json()  # the API keeps its envelope


def test_a_normal_access_token_is_not_a_scim_token(world):
    scim_error(world["http"].get("/scim/v2/Users", headers=world["h"]), 401)


def test_service_provider_config(world):
    r = world["http"].get("/scim/v2/ServiceProviderConfig", headers=SCIM)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/scim+json")
    body = r.json()
    assert body["schemas"] == ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"]
    assert body["patch"]["supported"] and body["filter"]["supported"]
    assert not body["bulk"]["supported"] and not body["changePassword"]["supported"]
    assert body["authenticationSchemes"][0]["type"] == "oauthbearertoken"


def test_openapi_lists_every_scim_endpoint(world):
    doc = world["http"].get("/schema/openapi.json").json()
    expected = {("get", "ServiceProviderConfig"), ("get", "Users"), ("post", "Users"),
                ("get", "Users/{user_id}"), ("patch", "Users/{user_id}"),
                ("put", "Users/{user_id}"), ("delete", "Users/{user_id}"), ("get", "Groups"),
                ("post", "Groups"), ("get", "Groups/{team_id}"), ("patch", "Groups/{team_id}"),
                ("put", "Groups/{team_id}"), ("delete", "Groups/{team_id}"), ("get", "Schemas"),
                ("get", "Schemas/{schema_id}"), ("get", "ResourceTypes"),
                ("get", "ResourceTypes/{name}"), ("post", "Users/.search"),
                ("post", "Groups/.search"), ("post", ".search")}
    found = {(m, p.removeprefix("/scim/v2/")) for p, ms in doc["paths"].items()
             if p.startswith("/scim/v2/") for m in ms}
    assert found == expected
    post = doc["paths"]["/scim/v2/Users"]["post"]
    assert post["security"] == [{"scim": []}] and "scim" in doc["components"]["securitySchemes"]
    ref = post["requestBody"]["content"]["application/scim+json"]["schema"]["$ref"]
    assert doc["components"]["schemas"][ref.rsplit("/", 1)[1]]["required"] == ["userName"]
    scim_paths = {p: v for p, v in doc["paths"].items() if p.startswith("/scim/v2/")}
    refs = str(scim_paths).split("'$ref': '")[1:] + str(
        {k: v for k, v in doc["components"]["schemas"].items() if k.startswith("Scim")}
    ).split("'$ref': '")[1:]
    assert refs
    for r in refs:
        assert r.split("'", 1)[0].rsplit("/", 1)[1] in {**doc["components"]["schemas"],
                                                         **doc["components"]["responses"]}


# ---- users ------------------------------------------------------------------------------

def test_create_user_makes_an_sso_only_member(world):
    http, org = world["http"], world["org"]
    r = http.post("/scim/v2/Users", headers=SCIM,
                  json={"userName": "Ada.SCIM@Example.com", "displayName": "Ada"})
    assert r.status_code == 201, r.text
    user = r.json()
    assert user["schemas"] == [USER] and user["userName"] == "ada.scim@example.com"
    assert user["displayName"] == "Ada" and user["active"] is True
    assert user["meta"]["resourceType"] == "User"
    assert user["meta"]["location"].endswith(f"/scim/v2/Users/{user['id']}")
    assert http.get(f"/scim/v2/Users/{user['id']}", headers=SCIM).json() == user
    members = http.get(f"/api/v1/orgs/{org}/members", headers=world["h"],
                       params={"limit": 100}).json()["items"]
    assert {m["user_id"]: m["role"] for m in members}[user["id"]] == "Member"
    # no password: a password login fails cleanly, and the email cannot be registered again
    login = http.post("/api/v1/auth/login", json={"email": "ada.scim@example.com",
                                                  "password": "anything-at-all"})
    assert login.status_code == 401 and login.json()["error"]["code"] == "UNAUTHORIZED"
    again = http.post("/api/v1/auth/register", json={
        "email": "ada.scim@example.com", "password": "password123", "display_name": "Ada"})
    assert again.status_code == 409
    dup = http.post("/scim/v2/Users", headers=SCIM, json={"userName": "ADA.scim@example.com"})
    scim_error(dup, 409, "uniqueness")


def test_create_user_takes_the_name_from_name_parts(world):
    http = world["http"]
    r = http.post("/scim/v2/Users", headers=SCIM, json={
        "schemas": [USER], "userName": email("okta"), "externalId": "00u1",
        "name": {"givenName": "Grace", "familyName": "Hopper"},
        "emails": [{"value": "x@y.z", "primary": True}], "active": True})
    assert r.status_code == 201, r.text
    assert r.json()["displayName"] == "Grace Hopper"
    inactive = provision(http, "dormant", active=False)
    assert inactive["active"] is False


def test_an_existing_account_is_added_to_the_org(world):
    srv, http, org = world["srv"], world["http"], world["org"]
    person = register(srv, "existing")
    r = http.post("/scim/v2/Users", headers=SCIM, json={"userName": person["email"].upper()})
    assert r.status_code == 201, r.text
    assert r.json()["id"] == person["user_id"] and r.json()["displayName"] == "Existing"
    mine = http.get(f"/api/v1/orgs/{org}", headers=auth(person["access_token"]))
    assert mine.status_code == 200
    scim_error(http.post("/scim/v2/Users", headers=SCIM, json={"userName": person["email"]}),
               409, "uniqueness")


def test_list_filter_and_pagination(world):
    http = world["http"]
    made = [provision(http, "page") for _ in range(3)]
    listed = http.get("/scim/v2/Users", headers=SCIM, params={"count": 100}).json()
    assert listed["schemas"] == [LIST] and listed["startIndex"] == 1
    ids = [u["id"] for u in listed["Resources"]]
    assert listed["totalResults"] == len(ids) == listed["itemsPerPage"]
    assert world["owner"]["user_id"] in ids and {u["id"] for u in made} <= set(ids)
    page = http.get("/scim/v2/Users", headers=SCIM, params={"startIndex": 2, "count": 2}).json()
    assert page["totalResults"] == len(ids) and page["startIndex"] == 2
    assert [u["id"] for u in page["Resources"]] == ids[1:3] and page["itemsPerPage"] == 2
    beyond = http.get("/scim/v2/Users", headers=SCIM,
                      params={"startIndex": len(ids) + 5}).json()
    assert beyond["Resources"] == [] and beyond["totalResults"] == len(ids)
    none = http.get("/scim/v2/Users", headers=SCIM, params={"count": 0}).json()
    assert none["Resources"] == [] and none["totalResults"] == len(ids)
    name = made[1]["userName"]
    for flt in (f'userName eq "{name}"', f'username EQ "{name.upper()}"',
                f'id eq "{made[1]["id"]}"'):
        found = http.get("/scim/v2/Users", headers=SCIM, params={"filter": flt}).json()
        assert [u["id"] for u in found["Resources"]] == [made[1]["id"]], flt
        assert found["totalResults"] == 1
    missing = http.get("/scim/v2/Users", headers=SCIM,
                       params={"filter": 'userName eq "nobody@example.com"'}).json()
    assert missing["totalResults"] == 0 and missing["Resources"] == []
    huge = http.get("/scim/v2/Users", headers=SCIM, params={"startIndex": 10**30}).json()
    assert huge["Resources"] == [] and huge["totalResults"] == len(ids)
    for bad in ('title eq "x"', 'userName co "a"', "userName eq", 'userName eq "a" or id eq "b"',
                'userName eq "bad\\q"'):
        scim_error(http.get("/scim/v2/Users", headers=SCIM, params={"filter": bad}), 400,
                   "invalidFilter")
    scim_error(http.get("/scim/v2/Users", headers=SCIM, params={"count": "many"}), 400)


def test_get_unknown_or_foreign_user_is_404(world):
    http, srv = world["http"], world["srv"]
    scim_error(http.get("/scim/v2/Users/not-a-user", headers=SCIM), 404)
    outsider = register(srv, "outsider")  # exists, but not in the SCIM org
    scim_error(http.get(f"/scim/v2/Users/{outsider['user_id']}", headers=SCIM), 404)
    scim_error(patch(http, f"Users/{outsider['user_id']}",
                     {"op": "replace", "path": "active", "value": False}), 404)


def test_deactivate_blocks_access_and_reactivate_restores_it(world):
    srv, http, org, h = world["srv"], world["http"], world["org"], world["h"]
    person = register(srv, "leaver")
    uid, mine = person["user_id"], auth(person["access_token"])
    assert http.post("/scim/v2/Users", headers=SCIM,
                     json={"userName": person["email"]}).status_code == 201
    promoted = http.patch(f"/api/v1/orgs/{org}/members/{uid}", headers=h, json={"role": "Admin"})
    assert promoted.status_code == 200, promoted.text
    key = http.post("/api/v1/api-keys", headers={**mine, "X-Alloy-Org-Id": org},
                    json={"name": "ci"})
    assert key.status_code == 201, key.text
    by_key = auth(key.json()["key"])
    assert http.get(f"/api/v1/orgs/{org}/members", headers=by_key).status_code == 200

    off = patch(http, f"Users/{uid}", {"op": "replace", "path": "active", "value": False})
    assert off.status_code == 200 and off.json()["active"] is False, off.text
    assert http.get(f"/api/v1/orgs/{org}", headers=mine).status_code == 404
    assert http.get(f"/api/v1/orgs/{org}/members", headers=by_key).status_code in (401, 404)
    members = http.get(f"/api/v1/orgs/{org}/members", headers=h, params={"limit": 100}).json()
    assert uid not in {m["user_id"] for m in members["items"]}
    # still a SCIM user (inactive), found by filter and by id; their own org is untouched
    found = http.get("/scim/v2/Users", headers=SCIM,
                     params={"filter": f'userName eq "{person["email"]}"'}).json()
    assert [(u["id"], u["active"]) for u in found["Resources"]] == [(uid, False)]
    assert http.get(f"/api/v1/orgs/{person['org_id']}", headers=mine).status_code == 200
    again = patch(http, f"Users/{uid}", {"op": "replace", "path": "active", "value": False})
    assert again.status_code == 200 and again.json()["active"] is False

    # Azure AD sends "True" as a string; Okta sends a path-less object
    on = patch(http, f"Users/{uid}", {"op": "Replace", "path": "active", "value": "True"})
    assert on.status_code == 200 and on.json()["active"] is True, on.text
    assert http.get(f"/api/v1/orgs/{org}", headers=mine).status_code == 200
    role = http.get(f"/api/v1/orgs/{org}/members", headers=h, params={"limit": 100}).json()
    assert {m["user_id"]: m["role"] for m in role["items"]}[uid] == "Admin"
    assert http.get(f"/api/v1/orgs/{org}/members", headers=by_key).status_code == 200
    off = patch(http, f"Users/{uid}", {"op": "replace", "value": {"active": False}})
    assert off.json()["active"] is False
    on = patch(http, f"Users/{uid}", {"op": "replace", "value": {"active": True}})
    assert on.json()["active"] is True


def test_the_last_owner_cannot_be_deactivated(world):
    http, owner = world["http"], world["owner"]
    r = patch(http, f"Users/{owner['user_id']}",
              {"op": "replace", "path": "active", "value": False})
    scim_error(r, 409)
    assert http.get(f"/scim/v2/Users/{owner['user_id']}", headers=SCIM).json()["active"]


def test_patch_display_name_and_user_name(world):
    http = world["http"]
    person = provision(http, "renamed")
    uid = person["id"]
    new_email = email("renamed-new")
    r = patch(http, f"Users/{uid}", {"op": "replace", "path": "displayName", "value": "Renée"},
              {"op": "replace", "path": "userName", "value": new_email.upper()},
              {"op": "add", "path": "externalId", "value": "ext-1"},
              {"op": "replace", "path": "name.givenName", "value": "Renée"})
    assert r.status_code == 200, r.text
    assert r.json()["displayName"] == "Renée" and r.json()["userName"] == new_email
    assert http.get(f"/scim/v2/Users/{uid}", headers=SCIM).json()["userName"] == new_email
    taken = patch(http, f"Users/{uid}", {"op": "replace", "path": "userName",
                                         "value": world["owner"]["email"]})
    scim_error(taken, 409, "uniqueness")


def test_an_account_other_orgs_know_is_not_renamed(world):
    """Users are global: a person who also belongs elsewhere keeps their own name and email."""
    srv, http = world["srv"], world["http"]
    person = register(srv, "shared")  # owns an org of their own
    uid = person["user_id"]
    http.post("/scim/v2/Users", headers=SCIM, json={"userName": person["email"]})
    for op in ({"op": "replace", "path": "userName", "value": email("taken-over")},
               {"op": "replace", "path": "displayName", "value": "Someone Else"}):
        scim_error(patch(http, f"Users/{uid}", op), 400, "mutability")
    me = http.get("/api/v1/auth/me", headers=auth(person["access_token"])).json()
    assert me["email"] == person["email"] and me["display_name"] == "Shared"
    # Deactivation is still this org's to decide.
    assert patch(http, f"Users/{uid}", {"op": "replace", "path": "active",
                                         "value": False}).status_code == 200


def test_bad_payloads_are_400_and_change_nothing(world):
    http = world["http"]
    user = provision(http, "strict")
    uid = user["id"]
    raw = http.post("/scim/v2/Users", headers={**SCIM, "Content-Type": "application/scim+json"},
                    content=b"{not json")
    scim_error(raw, 400, "invalidSyntax")
    for body, kind in (([], "invalidSyntax"), ({}, "invalidValue"),
                       ({"userName": "not-an-email"}, "invalidValue"),
                       ({"userName": email("x"), "active": "maybe"}, "invalidValue"),
                       ({"userName": email("x"), "displayName": ""}, "invalidValue"),
                       ({"userName": 42}, "invalidValue")):
        scim_error(http.post("/scim/v2/Users", headers=SCIM, json=body), 400, kind)
    for ops in ([], [{"op": "frobnicate", "path": "active", "value": False}],
                [{"op": "replace", "path": "active", "value": "maybe"}],
                [{"op": "replace", "path": "displayName", "value": ""}],
                [{"op": "replace", "value": "not-an-object"}],
                [{"op": "remove"}], [{"op": "remove", "path": "userName"}],
                [{"op": "replace", "path": "password", "value": "secret"}],
                [{"op": "replace", "path": "displayName"}],
                # the first operation is valid: the whole request is rolled back
                [{"op": "replace", "path": "displayName", "value": "Changed"},
                 {"op": "replace", "path": "userName", "value": "bad"}],
                [{"op": "replace", "path": "active", "value": False},
                 {"op": "replace", "path": "active", "value": 3}]):
        scim_error(patch(http, f"Users/{uid}", *ops), 400)
    scim_error(http.patch(f"/scim/v2/Users/{uid}", headers=SCIM, json={"op": "replace"}), 400)
    assert http.get(f"/scim/v2/Users/{uid}", headers=SCIM).json() == user


def test_sso_signs_in_provisioned_users_but_not_deactivated_ones(world):
    http, org, h = world["http"], world["org"], world["h"]
    idp = FakeIdP()
    try:
        made = http.post(f"/api/v1/orgs/{org}/identity-providers", headers=h, json={
            "provider_type": "oidc", "provider_name": "okta", "issuer_url": idp.url,
            "client_id": idp.client_id, "client_secret": idp.client_secret})
        assert made.status_code == 201, made.text
        user = provision(http, "ssoer")
        idp.user = {"email": user["userName"], "name": "Sso Er"}

        def sign_in() -> httpx.Response:
            found = http.get("/api/v1/auth/sso/discover", params={"org_id": org}).json()
            at_idp = httpx.get(found["authorization_url"], follow_redirects=False)
            params = dict(httpx.URL(at_idp.headers["location"]).params)
            return http.get("/api/v1/auth/sso/callback", params=params)

        signed = sign_in()
        assert signed.status_code == 200 and signed.json()["user_id"] == user["id"], signed.text
        token = auth(signed.json()["access_token"])
        assert http.get(f"/api/v1/orgs/{org}", headers=token).status_code == 200
        patch(http, f"Users/{user['id']}", {"op": "replace", "path": "active", "value": False})
        assert http.get(f"/api/v1/orgs/{org}", headers=token).status_code == 404
        refused = sign_in()
        assert refused.status_code == 403 and "deactivated" in refused.json()["error"]["message"]
        assert http.get(f"/scim/v2/Users/{user['id']}", headers=SCIM).json()["active"] is False
        patch(http, f"Users/{user['id']}", {"op": "replace", "path": "active", "value": True})
        assert sign_in().status_code == 200
        assert http.get(f"/api/v1/orgs/{org}", headers=token).status_code == 200
    finally:
        idp.stop()


def test_put_replaces_the_profile_and_delete_deprovisions(world):
    srv, http, org, h = world["srv"], world["http"], world["org"], world["h"]
    person = register(srv, "putter")
    uid, mine = person["user_id"], auth(person["access_token"])
    http.post("/scim/v2/Users", headers=SCIM, json={"userName": person["email"]})
    put = http.put(f"/scim/v2/Users/{uid}", headers=SCIM, json={
        "schemas": [USER], "id": uid, "userName": person["email"],
        "name": {"givenName": "Put", "familyName": "Ter"}, "active": False})
    scim_error(put, 400, "mutability")  # they own an org too: their name is theirs
    put = http.put(f"/scim/v2/Users/{uid}", headers=SCIM, json={
        "schemas": [USER], "id": uid, "userName": person["email"], "displayName": "Putter",
        "active": False})
    assert put.status_code == 200, put.text
    assert (put.json()["displayName"], put.json()["active"]) == ("Putter", False)
    assert http.get(f"/api/v1/orgs/{org}", headers=mine).status_code == 404
    put = http.put(f"/scim/v2/Users/{uid}", headers=SCIM,
                   json={"userName": person["email"], "displayName": "Putter"})
    assert put.json()["active"] is True and put.json()["displayName"] == "Putter"
    scim_error(http.put(f"/scim/v2/Users/{uid}", headers=SCIM, json={"displayName": "x"}), 400)

    group = http.post("/scim/v2/Groups", headers=SCIM, json={
        "displayName": f"Doomed {uid[-6:]}", "members": [{"value": uid}]}).json()
    gone = http.delete(f"/scim/v2/Users/{uid}", headers=SCIM)
    assert gone.status_code == 204 and gone.content == b""
    scim_error(http.get(f"/scim/v2/Users/{uid}", headers=SCIM), 404)
    assert http.get(f"/api/v1/orgs/{org}", headers=mine).status_code == 404
    assert http.get(f"/scim/v2/Groups/{group['id']}", headers=SCIM).json()["members"] == []
    assert http.get("/api/v1/auth/me", headers=mine).status_code == 200  # the account stays
    scim_error(http.delete(f"/scim/v2/Users/{uid}", headers=SCIM), 404)
    scim_error(http.delete(f"/scim/v2/Users/{world['owner']['user_id']}", headers=SCIM), 409)

    assert http.delete(f"/scim/v2/Groups/{group['id']}", headers=SCIM).status_code == 204
    assert http.get(f"/api/v1/teams/{group['id']}", headers=h).status_code == 404
    scim_error(http.delete(f"/scim/v2/Groups/{group['id']}", headers=SCIM), 404)


def test_changes_are_audited_as_the_first_owner(world):
    import sqlite3

    from tests.pg import server_db

    http, srv, org, owner = world["http"], world["srv"], world["org"], world["owner"]
    user = provision(http, "audited")
    patch(http, f"Users/{user['id']}", {"op": "replace", "path": "active", "value": False})
    group = http.post("/scim/v2/Groups", headers=SCIM, json={"displayName": "Audited"}).json()
    conn = server_db(srv) or sqlite3.connect(srv.home / "data" / "alloy.db", timeout=30)
    try:
        rows = conn.execute("SELECT org_id, entity_type, entity_id, action, actor_id FROM "
                            "audit_log WHERE entity_id IN (?, ?) ORDER BY created_at, id",
                            (user["id"], group["id"])).fetchall()
    finally:
        conn.close()
    assert [tuple(r) for r in rows] == [
        (None, "user", user["id"], "create", owner["user_id"]),
        (org, "org_member", user["id"], "create", owner["user_id"]),
        (org, "org_member", user["id"], "delete", owner["user_id"]),
        (org, "org_member", user["id"], "suspend", owner["user_id"]),
        (org, "team", group["id"], "create", owner["user_id"])]


def _member_rows(srv, *org_ids: str) -> list[tuple]:
    """(org_id, user_id, changes) of every org_member `create` audit row in these orgs."""
    import json
    import sqlite3

    from tests.pg import server_db

    conn = server_db(srv) or sqlite3.connect(srv.home / "data" / "alloy.db", timeout=30)
    marks = ", ".join("?" for _ in org_ids)
    try:
        rows = conn.execute("SELECT org_id, entity_id, changes FROM audit_log WHERE "
                            "entity_type = 'org_member' AND action = 'create' AND org_id IN "
                            f"({marks}) ORDER BY created_at, id", tuple(org_ids)).fetchall()
    finally:
        conn.close()
    return [(r[0], r[1], json.loads(r[2]) if isinstance(r[2], str) else r[2]) for r in rows]


def _sso_provider(http, org: str, h: dict, idp: FakeIdP) -> None:
    """Point the org's identity provider at `idp` (an earlier test may have made one)."""
    for old in http.get(f"/api/v1/orgs/{org}/identity-providers", headers=h).json()["items"]:
        http.delete(f"/api/v1/orgs/{org}/identity-providers/{old['id']}", headers=h)
    made = http.post(f"/api/v1/orgs/{org}/identity-providers", headers=h, json={
        "provider_type": "oidc", "provider_name": "okta", "issuer_url": idp.url,
        "client_id": idp.client_id, "client_secret": idp.client_secret})
    assert made.status_code == 201, made.text


def _sso_sign_in(http, org: str) -> httpx.Response:
    found = http.get("/api/v1/auth/sso/discover", params={"org_id": org}).json()
    at_idp = httpx.get(found["authorization_url"], follow_redirects=False)
    return http.get("/api/v1/auth/sso/callback", params=dict(
        httpx.URL(at_idp.headers["location"]).params))


def test_every_way_in_writes_one_audit_shape(world):
    """Founding, the members API, an invite (accepted or at registration), SSO, SCIM and an
    import all add a member through one function: one audit row shape, naming the way in."""
    srv, http, org, h = world["srv"], world["http"], world["org"], world["h"]
    by_api, by_invite = register(srv, "byapi"), register(srv, "byinvite")
    assert http.post(f"/api/v1/orgs/{org}/members", headers=h, json={
        "user_id": by_api["user_id"], "role": "viewer"}).status_code == 201
    code = http.post(f"/api/v1/orgs/{org}/invites", headers=h,
                     json={"role": "member"}).json()["invite_code"]
    assert http.post("/api/v1/invites/accept", headers=auth(by_invite["access_token"]),
                     json={"invite_code": code}).status_code == 201
    code = http.post(f"/api/v1/orgs/{org}/invites", headers=h,
                     json={"role": "reporter"}).json()["invite_code"]
    joined = http.post("/api/v1/auth/register", json={
        "email": email("byreg"), "password": "password123", "display_name": "Reg",
        "invite_code": code})
    assert joined.status_code == 201, joined.text
    by_scim = provision(http, "byscim")
    imported = email("byimport")
    r = http.post("/api/v1/import", headers=h, params={"org_id": org}, json={
        "version": 1, "source": "alloy", "exported_at": "2026-01-01T00:00:00Z",
        "projects": [], "labels": [], "workflows": [],
        "users": [{"email": imported, "role": "admin"}]})
    assert r.status_code == 200, r.text
    idp = FakeIdP()
    try:
        _sso_provider(http, org, h, idp)
        idp.user = {"email": email("bysso"), "name": "By Sso"}
        by_sso = _sso_sign_in(http, org)
        assert by_sso.status_code == 200, by_sso.text
    finally:
        idp.stop()
    rows = _member_rows(srv, org, by_invite["org_id"])
    imported_id = http.get("/scim/v2/Users", headers=SCIM, params={
        "filter": f'userName eq "{imported}"'}).json()["Resources"][0]["id"]
    for row in [
            (by_invite["org_id"], by_invite["user_id"], {"role": "Owner", "via": "founder"}),
            (org, by_api["user_id"], {"role": "Viewer", "via": "api"}),
            (org, by_invite["user_id"], {"role": "Member", "via": "invite"}),
            (org, joined.json()["user_id"], {"role": "Reporter", "via": "invite"}),
            (org, by_scim["id"], {"role": "Member", "via": "scim"}),
            (org, imported_id, {"role": "Admin", "via": "import"}),
            (org, by_sso.json()["user_id"], {"role": "Member", "via": "sso"})]:
        assert row in rows
    assert {frozenset(c) for _, _, c in _member_rows(srv, org)} == {frozenset({"role", "via"})}


def test_no_way_in_readmits_a_deactivated_person(world):
    """Deactivated by SCIM: an invite, an Admin, SSO or an import cannot bring them back;
    only SCIM reactivation does."""
    srv, http, org, h = world["srv"], world["http"], world["org"], world["h"]
    person = register(srv, "comeback")
    uid, mine = person["user_id"], auth(person["access_token"])
    assert http.post(f"/api/v1/orgs/{org}/members", headers=h, json={
        "user_id": uid, "role": "member"}).status_code == 201
    patch(http, f"Users/{uid}", {"op": "replace", "path": "active", "value": False})
    code = http.post(f"/api/v1/orgs/{org}/invites", headers=h,
                     json={"role": "member"}).json()["invite_code"]
    by_invite = http.post("/api/v1/invites/accept", headers=mine, json={"invite_code": code})
    assert by_invite.status_code == 403, by_invite.text
    assert "deactivated" in by_invite.json()["error"]["message"]
    by_admin = http.post(f"/api/v1/orgs/{org}/members", headers=h,
                         json={"user_id": uid, "role": "member"})
    assert by_admin.status_code == 403, by_admin.text
    me = http.get("/api/v1/auth/me", headers=mine).json()
    by_import = http.post("/api/v1/import", headers=h, params={"org_id": org}, json={
        "version": 1, "source": "alloy", "exported_at": "2026-01-01T00:00:00Z",
        "projects": [], "labels": [], "workflows": [],
        "users": [{"email": me["email"], "role": "member"}]})
    assert by_import.status_code == 200, by_import.text
    assert any("deactivated" in w for w in by_import.json()["warnings"])
    assert http.get(f"/api/v1/orgs/{org}", headers=mine).status_code == 404
    assert http.get(f"/scim/v2/Users/{uid}", headers=SCIM).json()["active"] is False
    patch(http, f"Users/{uid}", {"op": "replace", "path": "active", "value": True})
    assert http.get(f"/api/v1/orgs/{org}", headers=mine).status_code == 200


# ---- groups -----------------------------------------------------------------------------

def test_groups_are_teams(world):
    http, org, h = world["http"], world["org"], world["h"]
    a, b, c = (provision(http, f"grp{x}") for x in "abc")
    r = http.post("/scim/v2/Groups", headers=SCIM,
                  json={"displayName": "Design", "members": [{"value": a["id"]}]})
    assert r.status_code == 201, r.text
    group = r.json()
    gid = group["id"]
    assert group["schemas"] == [GROUP] and group["displayName"] == "Design"
    assert group["members"] == [{"value": a["id"], "display": a["displayName"],
                                 "$ref": a["meta"]["location"], "type": "User"}]
    assert group["meta"]["location"].endswith(f"/scim/v2/Groups/{gid}")
    assert http.get(f"/scim/v2/Groups/{gid}", headers=SCIM).json() == group

    def team_members() -> set[str]:
        got = http.get(f"/api/v1/teams/{gid}/members", headers=h, params={"limit": 100})
        assert got.status_code == 200, got.text
        return {m["user_id"] for m in got.json()["items"]}

    teams = http.get(f"/api/v1/orgs/{org}/teams", headers=h, params={"limit": 100}).json()
    assert "Design" in {t["name"] for t in teams["items"]}
    assert team_members() == {a["id"]}

    add = patch(http, f"Groups/{gid}",
                {"op": "add", "path": "members", "value": [{"value": b["id"]}, {"value": c["id"]}]},
                {"op": "add", "path": "members", "value": [{"value": a["id"]}]})  # idempotent
    assert add.status_code == 200, add.text
    assert team_members() == {a["id"], b["id"], c["id"]}
    rm = patch(http, f"Groups/{gid}", {"op": "remove", "path": f'members[value eq "{b["id"]}"]'})
    assert rm.status_code == 200 and team_members() == {a["id"], c["id"]}
    # Azure AD's remove form: path "members" with a value list
    rm = patch(http, f"Groups/{gid}", {"op": "Remove", "path": "members",
                                       "value": [{"value": c["id"]}]})
    assert rm.status_code == 200 and team_members() == {a["id"]}
    put = patch(http, f"Groups/{gid}", {"op": "replace", "path": "members",
                                        "value": [{"value": b["id"]}, {"value": c["id"]}]})
    assert put.status_code == 200 and team_members() == {b["id"], c["id"]}

    renamed = patch(http, f"Groups/{gid}",
                    {"op": "replace", "path": "displayName", "value": "Platform Engineering"})
    assert renamed.status_code == 200 and renamed.json()["displayName"] == "Platform Engineering"
    assert http.get(f"/api/v1/teams/{gid}", headers=h).json()["name"] == "Platform Engineering"
    okta = patch(http, f"Groups/{gid}",
                 {"op": "replace", "value": {"id": gid, "displayName": "Platform"}})
    assert okta.status_code == 200 and okta.json()["displayName"] == "Platform"
    everyone = patch(http, f"Groups/{gid}", {"op": "remove", "path": "members"})
    assert everyone.status_code == 200 and everyone.json()["members"] == []
    assert team_members() == set()


def test_group_list_filter_pagination_and_excluded_members(world):
    http = world["http"]
    user = provision(http, "lister")
    names = [f"Squad {next(_n)}" for _ in range(3)]
    made = [http.post("/scim/v2/Groups", headers=SCIM, json={
        "displayName": n, "members": [{"value": user["id"]}]}).json() for n in names]
    listed = http.get("/scim/v2/Groups", headers=SCIM, params={"count": 200}).json()
    assert listed["schemas"] == [LIST]
    ids = [g["id"] for g in listed["Resources"]]
    assert listed["totalResults"] == len(ids) and {g["id"] for g in made} <= set(ids)
    page = http.get("/scim/v2/Groups", headers=SCIM, params={"startIndex": 2, "count": 1}).json()
    assert [g["id"] for g in page["Resources"]] == ids[1:2] and page["itemsPerPage"] == 1
    found = http.get("/scim/v2/Groups", headers=SCIM,
                     params={"filter": f'displayName eq "{names[1]}"'}).json()
    assert [g["id"] for g in found["Resources"]] == [made[1]["id"]]
    assert found["Resources"][0]["members"][0]["value"] == user["id"]
    slim = http.get("/scim/v2/Groups", headers=SCIM,
                    params={"filter": f'displayName eq "{names[1]}"',
                            "excludedAttributes": "members"}).json()
    assert "members" not in slim["Resources"][0]
    one = http.get(f"/scim/v2/Groups/{made[0]['id']}", headers=SCIM,
                   params={"excludedAttributes": "members"}).json()
    assert "members" not in one and one["displayName"] == names[0]
    scim_error(http.get("/scim/v2/Groups", headers=SCIM, params={"filter": 'name eq "x"'}),
               400, "invalidFilter")


def test_group_errors(world):
    srv, http, h = world["srv"], world["http"], world["h"]
    first = http.post("/scim/v2/Groups", headers=SCIM, json={"displayName": "Unique"})
    assert first.status_code == 201
    gid = first.json()["id"]
    scim_error(http.post("/scim/v2/Groups", headers=SCIM, json={"displayName": "Unique"}),
               409, "uniqueness")
    outsider = register(srv, "notmember")
    scim_error(http.post("/scim/v2/Groups", headers=SCIM, json={
        "displayName": "Has outsider", "members": [{"value": outsider["user_id"]}]}), 400)
    for body in ({}, {"displayName": ""}, {"displayName": "X", "members": "a"},
                 {"displayName": "X", "members": [{"value": "not-a-uuid"}]}, []):
        scim_error(http.post("/scim/v2/Groups", headers=SCIM, json=body), 400)
    for ops in ([{"op": "add", "path": "members", "value": [{"nope": 1}]}],
                [{"op": "replace", "path": "owner", "value": "x"}],
                [{"op": "remove", "path": "displayName"}],
                [{"op": "add", "path": "members", "value": [{"value": outsider["user_id"]}]}]):
        scim_error(patch(http, f"Groups/{gid}", *ops), 400)
    names = {t["name"] for t in http.get(f"/api/v1/orgs/{world['org']}/teams", headers=h,
                                         params={"limit": 100}).json()["items"]}
    assert "Has outsider" not in names and "X" not in names
    scim_error(http.get("/scim/v2/Groups/unknown", headers=SCIM), 404)
    # a team of another org the acting owner also belongs to is not a SCIM group here
    other = http.post("/api/v1/orgs", headers=h, json={"name": "Other", "slug": f"other-{gid[-6:]}"})
    assert other.status_code == 201, other.text
    team = http.post(f"/api/v1/orgs/{other.json()['id']}/teams", headers=h, json={"name": "T"})
    assert team.status_code == 201, team.text
    scim_error(http.get(f"/scim/v2/Groups/{team.json()['id']}", headers=SCIM), 404)
    scim_error(patch(http, f"Groups/{team.json()['id']}",
                     {"op": "replace", "path": "displayName", "value": "Stolen"}), 404)


def test_docs_examples_run(tmp_path):
    srv = Server(tmp_path, ALLOY_REGISTRATION="open", ALLOY_SCIM_BEARER_TOKEN=TOKEN)
    try:
        run = run_doc(ROOT / "docs" / "scim.md",
                      {**srv.env, "BASE_URL": srv.url, "SCIM_TOKEN": TOKEN}, tmp_path)
        out = [run.block(n).strip() for n in range(run.last + 1)]
        assert out[1] == '{"patch":{"supported":true},"filter":{"supported":true,"maxResults":200}}'
        assert out[2] == '{"userName":"new@example.com","displayName":"New User","active":true}'
        assert out[3].startswith('{"totalResults":1,"ids":["')
        assert out[3].splitlines()[1] == '{"totalResults":2,"startIndex":1,"itemsPerPage":1}'
        assert out[4].splitlines() == ["false", '{"active":true,"displayName":"Newt User"}']
        assert out[5] == "Newt User"
        assert out[6].splitlines() == ["Platform Engineering", "[]"]
        assert out[7].splitlines() == ["401", '{"status":"400","scimType":"invalidValue"}']
        assert out[8].splitlines()[0] == ('[{"name":"User","endpoint":"/Users"},'
                                          '{"name":"Group","endpoint":"/Groups"}]')
        assert out[8].splitlines()[1] == ('["userName","displayName","name","emails","active",'
                                          '"externalId"]')
    finally:
        srv.stop()
