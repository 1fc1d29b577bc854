"""SCIM as generic clients and the identity providers use it (RFC 7643/7644): discovery,
Location, PUT on groups, attribute projection, case-insensitive names, and the request
shapes Okta and Microsoft Entra ID send (users, groups, filters), against a real server."""

from __future__ import annotations

import pytest

from tests.support import Server
from tests.test_scim import (
    GROUP,
    LIST,
    SCIM,
    TOKEN,
    USER,
    email,
    patch,
    provision,
    register,
    scim_error,
)

SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Schema"
RESOURCE_TYPE = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"


@pytest.fixture(scope="module")
def http(tmp_path_factory):
    home = tmp_path_factory.mktemp("scim-clients")
    srv = Server(home, ALLOY_REGISTRATION="open", ALLOY_SCIM_BEARER_TOKEN=TOKEN)
    register(srv, "owner")
    yield srv.http
    srv.stop()


def get(http, path: str, **params):
    r = http.get(f"/scim/v2/{path}", headers=SCIM, params=params)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/scim+json")
    return r.json()


def test_schemas_and_resource_types_describe_what_is_kept(http):
    schemas = get(http, "Schemas")
    assert schemas["schemas"] == [LIST] and schemas["totalResults"] == len(schemas["Resources"])
    by_id = {s["id"]: s for s in schemas["Resources"]}
    assert {USER, GROUP, SCHEMA, RESOURCE_TYPE,
            "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"} == set(by_id)
    user = {a["name"]: a for a in by_id[USER]["attributes"]}
    assert set(user) == {"userName", "displayName", "name", "emails", "active", "externalId"}
    assert user["userName"]["required"] and user["userName"]["uniqueness"] == "server"
    assert {a["name"] for a in user["name"]["subAttributes"]} == {
        "formatted", "givenName", "familyName"}
    assert get(http, f"Schemas/{USER}") == by_id[USER]
    assert by_id[USER]["meta"]["location"].endswith(f"/scim/v2/Schemas/{USER}")
    types = get(http, "ResourceTypes")
    assert [(t["name"], t["endpoint"], t["schema"]) for t in types["Resources"]] == [
        ("User", "/Users", USER), ("Group", "/Groups", GROUP)]
    assert get(http, "ResourceTypes/Group")["schemas"] == [RESOURCE_TYPE]
    scim_error(http.get("/scim/v2/Schemas/urn:nope", headers=SCIM), 404)
    scim_error(http.get("/scim/v2/ResourceTypes/Nope", headers=SCIM), 404)
    scim_error(http.delete("/scim/v2/Schemas", headers=SCIM), 405)
    scim_error(http.get("/scim/v2/Schemas", headers={"Authorization": "Bearer x"}), 401)


def test_created_users_and_groups_carry_location(http):
    r = http.post("/scim/v2/Users", headers=SCIM, json={"userName": email("located")})
    assert r.status_code == 201 and r.headers["location"] == r.json()["meta"]["location"]
    r = http.post("/scim/v2/Groups", headers=SCIM, json={"displayName": "Located"})
    assert r.status_code == 201 and r.headers["location"] == r.json()["meta"]["location"]
    assert r.headers["location"].endswith(f"/scim/v2/Groups/{r.json()['id']}")


def test_put_replaces_a_group(http):
    a, b = provision(http, "puta"), provision(http, "putb")
    made = http.post("/scim/v2/Groups", headers=SCIM, json={
        "displayName": "Before", "members": [{"value": a["id"]}]}).json()
    r = http.put(f"/scim/v2/Groups/{made['id']}", headers=SCIM, json={
        "schemas": [GROUP], "displayName": "After", "externalId": "grp-ext-1",
        "members": [{"value": b["id"]}]})
    assert r.status_code == 200, r.text
    got = get(http, f"Groups/{made['id']}")
    assert got == r.json() and got["displayName"] == "After"
    assert [m["value"] for m in got["members"]] == [b["id"]] and got["externalId"] == "grp-ext-1"
    emptied = http.put(f"/scim/v2/Groups/{made['id']}", headers=SCIM,
                       json={"displayName": "After"}).json()
    assert emptied["members"] == [] and "externalId" not in emptied
    scim_error(http.put(f"/scim/v2/Groups/{made['id']}", headers=SCIM, json={}), 400)
    scim_error(http.put("/scim/v2/Groups/unknown", headers=SCIM,
                        json={"displayName": "X"}), 404)


def test_attributes_and_excluded_attributes(http):
    user = provision(http, "projected", externalId="proj-1")
    one = get(http, f"Users/{user['id']}", attributes="userName,name.familyName")
    assert set(one) == {"schemas", "id", "userName"}  # no familyName: no name at all
    one = get(http, f"Users/{user['id']}", attributes="USERNAME,emails.value")
    assert one["emails"] == [{"value": user["userName"]}] and set(one) == {
        "schemas", "id", "userName", "emails"}
    one = get(http, f"Users/{user['id']}",
              excludedAttributes="emails,meta,urn:ietf:params:scim:schemas:core:2.0:User:active")
    assert set(one) == {"schemas", "id", "userName", "displayName", "externalId"}  # no name
    listed = get(http, "Users", filter=f'userName eq "{user["userName"]}"',
                 attributes="displayName")
    assert listed["Resources"] == [{"schemas": [USER], "id": user["id"],
                                    "displayName": user["displayName"]}]
    group = http.post("/scim/v2/Groups", headers=SCIM, json={
        "displayName": "Projected", "members": [{"value": user["id"]}]}).json()
    assert set(get(http, f"Groups/{group['id']}", attributes="displayName")) == {
        "schemas", "id", "displayName"}
    slim = get(http, "Groups", filter='displayName eq "Projected"',
               excludedAttributes="members,meta")
    assert set(slim["Resources"][0]) == {"schemas", "id", "displayName"}


def test_attribute_names_are_case_insensitive(http):
    name = email("cased")
    r = http.post("/scim/v2/Users", headers=SCIM, json={
        "Schemas": [USER], "UserName": name, "DISPLAYNAME": "Cased", "Active": True,
        "ExternalID": "case-1", "Name": {"GivenName": "Ca", "FAMILYNAME": "Sed"},
        "Emails": [{"Value": name, "Type": "work", "Primary": True}]})
    assert r.status_code == 201, r.text
    user = r.json()
    assert (user["userName"], user["displayName"], user["externalId"]) == (name, "Cased", "case-1")
    assert user["name"] == {"givenName": "Ca", "familyName": "Sed"}
    r = http.patch(f"/scim/v2/Users/{user['id']}", headers=SCIM, json={"operations": [
        {"OP": "Replace", "Path": "DisplayName", "Value": "Recased"},
        {"op": "replace", "path": "NAME.GIVENNAME", "value": "Re"}]})
    assert r.status_code == 200, r.text
    assert r.json()["displayName"] == "Recased" and r.json()["name"]["givenName"] == "Re"
    found = get(http, "Users", filter=f'USERNAME eq "{name}"')
    assert [u["id"] for u in found["Resources"]] == [user["id"]]
    g = http.post("/scim/v2/Groups", headers=SCIM, json={
        "DisplayName": "Cased group", "Members": [{"Value": user["id"]}]})
    assert g.status_code == 201 and g.json()["members"][0]["value"] == user["id"], g.text


# ---- Okta -------------------------------------------------------------------------------

def test_okta_user_lifecycle(http):
    """Okta looks a person up by userName, creates, pushes the profile with PUT and
    deactivates with a path-less replace of {"active": false}."""
    name = email("okta")
    assert get(http, "Users", filter=f'userName eq "{name}"', startIndex=1,
               count=100)["totalResults"] == 0
    r = http.post("/scim/v2/Users", headers=SCIM, json={
        "schemas": [USER], "userName": name, "name": {"givenName": "Ok", "familyName": "Ta"},
        "emails": [{"primary": True, "value": name, "type": "work"}],
        "displayName": "Ok Ta", "locale": "en-US", "externalId": "00u1okta", "groups": [],
        "password": "ignored-by-alloy", "active": True})
    assert r.status_code == 201, r.text
    uid = r.json()["id"]
    found = get(http, "Users", filter=f'userName eq "{name}"', startIndex=1, count=100)
    assert [u["id"] for u in found["Resources"]] == [uid]
    put = http.put(f"/scim/v2/Users/{uid}", headers=SCIM, json={
        "schemas": [USER], "id": uid, "userName": name,
        "name": {"givenName": "Okay", "familyName": "Ta"}, "displayName": "Okay Ta",
        "emails": [{"primary": True, "value": name, "type": "work"}], "active": True})
    assert put.status_code == 200, put.text
    assert put.json()["name"] == {"givenName": "Okay", "familyName": "Ta"}
    assert "externalId" not in put.json()  # PUT replaces: what it leaves out is cleared
    off = patch(http, f"Users/{uid}", {"op": "replace", "value": {"active": False}})
    assert off.status_code == 200 and off.json()["active"] is False, off.text
    assert get(http, f"Users/{uid}")["active"] is False


def test_okta_group_push(http):
    a, b = provision(http, "oktaga"), provision(http, "oktagb")
    g = http.post("/scim/v2/Groups", headers=SCIM, json={
        "schemas": [GROUP], "displayName": "Okta pushed", "members": []}).json()
    r = patch(http, f"Groups/{g['id']}", {"op": "add", "path": "members", "value": [
        {"value": a["id"], "display": a["userName"]}, {"value": b["id"]}]})
    assert r.status_code == 200 and len(r.json()["members"]) == 2, r.text
    r = patch(http, f"Groups/{g['id']}", {"op": "remove", "path": f'members[value eq "{a["id"]}"]'})
    assert [m["value"] for m in r.json()["members"]] == [b["id"]]
    found = get(http, "Groups", filter='displayName eq "Okta pushed"', startIndex=1, count=100)
    assert [x["id"] for x in found["Resources"]] == [g["id"]]


# ---- Microsoft Entra ID -------------------------------------------------------------------

def test_entra_user_shapes(http):
    """Entra matches on externalId (or an email of a type), capitalises ops, and patches
    emails, name parts and externalId by path."""
    name = email("entra")
    r = http.post("/scim/v2/Users", headers=SCIM, json={
        "schemas": [USER, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
        "externalId": "e-0001", "userName": name, "active": True,
        "displayName": "En Tra", "name": {"formatted": "En Tra", "familyName": "Tra",
                                          "givenName": "En"},
        "emails": [{"primary": True, "type": "work", "value": name}],
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "R&D"}})
    assert r.status_code == 201, r.text
    uid = r.json()["id"]
    assert get(http, "Users", filter='externalId eq "e-0001"')["Resources"][0]["id"] == uid
    assert get(http, "Users", filter='externalId eq "e-0002"')["totalResults"] == 0
    by_mail = get(http, "Users", filter=f'emails[type eq "work"].value eq "{name}"')
    assert [u["id"] for u in by_mail["Resources"]] == [uid]
    assert get(http, "Users", filter=f'emails[type eq "home"].value eq "{name}"')[
        "totalResults"] == 0
    other = email("entra-other")
    r = patch(http, f"Users/{uid}",
              {"op": "Replace", "path": 'emails[type eq "work"].value', "value": other},
              {"op": "Add", "path": "name.familyName", "value": "Tra-New"},
              {"op": "Replace", "path": "externalId", "value": "e-0002"},
              {"op": "Replace", "path": "active", "value": "False"})
    assert r.status_code == 200, r.text
    user = get(http, f"Users/{uid}")
    assert user["emails"] == [{"value": other, "type": "work", "primary": True}]
    assert user["name"]["familyName"] == "Tra-New" and user["externalId"] == "e-0002"
    assert user["userName"] == name and user["active"] is False  # userName stays the sign-in
    found = get(http, "Users", filter=f'emails[type eq "work"].value eq "{other}"')
    assert [u["id"] for u in found["Resources"]] == [uid]
    gone = patch(http, f"Users/{uid}", {"op": "Remove", "path": "externalId"},
                 {"op": "Remove", "path": "name.familyName"})
    assert "externalId" not in gone.json() and "familyName" not in gone.json()["name"]


def test_entra_group_shapes(http):
    a, b, c = (provision(http, f"entrag{x}") for x in "abc")
    r = http.post("/scim/v2/Groups", headers=SCIM, json={
        "schemas": [GROUP], "externalId": "g-0001", "displayName": "Entra group",
        "members": []})
    assert r.status_code == 201, r.text
    gid = r.json()["id"]
    assert get(http, "Groups", filter='externalId eq "g-0001"')["Resources"][0]["id"] == gid
    add = patch(http, f"Groups/{gid}", {"op": "Add", "path": "members", "value": [
        {"value": a["id"]}, {"value": b["id"]}, {"value": c["id"]}]})
    assert add.status_code == 200 and len(add.json()["members"]) == 3, add.text
    rm = patch(http, f"Groups/{gid}", {"op": "Remove", "path": "members", "value": [
        {"value": a["id"]}, {"value": b["id"]}]})
    assert [m["value"] for m in rm.json()["members"]] == [c["id"]]
    ren = patch(http, f"Groups/{gid}",
                {"op": "Replace", "path": "displayName", "value": "Entra renamed"},
                {"op": "Replace", "path": "externalId", "value": "g-0002"})
    assert ren.json()["displayName"] == "Entra renamed" and ren.json()["externalId"] == "g-0002"
    # Entra checks that a group's members can be fetched without the list
    assert "members" not in get(http, f"Groups/{gid}", excludedAttributes="members")


def test_search_requests_and_one_primary_email(http):
    user = provision(http, "searched")
    r = http.post("/scim/v2/Users/.search", headers=SCIM, json={
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
        "filter": f'userName eq "{user["userName"]}"', "attributes": ["userName"],
        "startIndex": 1, "count": 10})
    assert r.status_code == 200, r.text
    assert r.json()["Resources"] == [{"schemas": [USER], "id": user["id"],
                                      "userName": user["userName"]}]
    g = http.post("/scim/v2/Groups/.search", headers=SCIM, json={
        "excludedAttributes": ["members"], "count": 1})
    assert g.status_code == 200 and g.json()["itemsPerPage"] <= 1, g.text
    scim_error(http.post("/scim/v2/.search", headers=SCIM, json={}), 501)
    other = email("searched-home")
    r = patch(http, f"Users/{user['id']}", {"op": "add", "path": "emails", "value": [
        {"value": other, "type": "home", "primary": True}]})
    assert r.status_code == 200, r.text
    assert [(e["value"], e["primary"]) for e in r.json()["emails"]] == [
        (user["userName"], False), (other, True)]  # RFC 7643 §2.4: one primary
