"""One org at a time in the CLI (issue 16): a created org becomes active, refs resolve in the
active org and else in the one other org that has them (with a hint), `org switch` takes a
slug or a name, and a re-login or a switch to the same org keeps the default project."""

from __future__ import annotations

import pytest

from tests.conftest import unique_email
from tests.support import cli


@pytest.fixture(params=["embedded", "remote"])
def first(request, server, env_for):
    """A logged-in user whose active org is their first one (personal, or onboarded)."""
    email = unique_email("orgs")
    if request.param == "remote":
        env = env_for(ALLOY_API_URL=server.url)
        r = server.http.post("/api/v1/auth/register", json={
            "email": email, "password": "password123", "display_name": "Orgs"})
        assert r.status_code == 201
    else:
        env = env_for()
        cli(["onboard", "--email", email, "--password", "password123", "--org-name", "Home",
             "--org-slug", "home"], env)
    login = cli(["auth", "login", "--email", email, "--password", "password123"], env).data
    return env, email, login["org_id"]


def test_one_org_at_a_time(first):
    env, email, home = first
    slug = email.split("@")[0]  # the personal org does not hold the person's name
    guide = cli(["org", "create", "--name", "Guide Org", "--slug", slug], env).data
    assert cli(["project", "create", "--key", "GUIDE", "--name", "Guide"], env).data[
        "org_id"] == guide["id"]  # the created org is the active one
    cli(["ticket", "create", "--project", "GUIDE", "--title", "First"], env)

    assert cli(["org", "switch", home], env).data["id"] == home  # by id
    got = cli(["ticket", "get", "GUIDE-1"], env)  # not in the active org: found in the other
    assert got.data["title"] == "First"
    assert "hint:" in got.stderr and "Guide Org" in got.stderr and slug in got.stderr
    assert cli(["project", "get", "GUIDE"], env).data["id"] == got.data["project_id"]
    missing = cli(["ticket", "get", "NOPE-1"], env, check=False)
    assert missing.returncode != 0 and "hint:" not in missing.stderr

    assert cli(["org", "switch", "guide org"], env).data["id"] == guide["id"]  # by name
    cli(["project", "use", "GUIDE"], env)
    assert cli(["ticket", "get", "1"], env).data["title"] == "First"
    assert cli(["org", "switch", slug], env).data["id"] == guide["id"]  # by slug, same org
    assert cli(["ticket", "get", "1"], env).data["title"] == "First"  # default project kept
    again = cli(["auth", "login", "--email", email, "--password", "password123"], env).data
    assert again["org_id"] == guide["id"]  # re-login keeps the active org...
    assert cli(["ticket", "get", "1"], env).data["title"] == "First"  # ...and the project
    cli(["org", "switch", home], env)
    bare = cli(["ticket", "get", "1"], env, check=False)  # another org: the project is dropped
    assert bare.returncode == 2

    bad = cli(["org", "switch", "no-such-org"], env, check=False)
    assert bad.returncode != 0 and "no organization 'no-such-org'" in bad.stderr


def test_ambiguous_elsewhere_is_an_error(first):
    env, email, home = first
    tag = email.split("@")[0]
    for n in (1, 2):
        cli(["org", "create", "--name", f"Twin {n}", "--slug", f"{tag}-twin{n}"], env)
        cli(["project", "create", "--key", "TWIN", "--name", "Twin"], env)
        cli(["ticket", "create", "--project", "TWIN", "--title", f"in {n}"], env)
    assert cli(["ticket", "get", "TWIN-1"], env).data["title"] == "in 2"  # the active org's
    cli(["org", "switch", home], env)
    r = cli(["ticket", "get", "TWIN-1"], env, check=False)
    assert r.returncode != 0 and "is in 2 of your other organizations" in r.stderr
