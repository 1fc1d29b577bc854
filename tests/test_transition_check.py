"""`alloy workflow check`, GET /tickets/{id}/transitions/check and the MCP tool
check_transition give one answer: the rule the move itself applies (issue 17)."""

from __future__ import annotations

import pytest

from tests.daily_support import make_day
from tests.support import auth, cli

STATUSES = ('[{"name": "Open", "category": "todo"}, {"name": "Doing", "category": '
            '"in_progress"}, {"name": "Shipped", "category": "done"}]')


@pytest.fixture(params=["embedded", "remote"])
def day(request, server, env_for):
    return make_day(request.param, server, env_for)


def _gated(day, enforcement: str) -> str:
    org = cli(["auth", "me"], day.env).data["org_id"]
    flow = cli(["workflow", "create", "--org-id", org, "--name", f"Gate {enforcement}",
                "--enforcement", enforcement, "--statuses", STATUSES, "--transitions",
                '[{"from": "Open", "to": "Doing"}, {"from": "Doing", "to": "Shipped"}]'],
               day.env).data
    cli(["project", "update", "DAY", "--workflow-id", flow["id"]], day.env)
    return cli(["ticket", "create", "--project", "DAY", "--title", "Gated", "--status", "Open",
                "--format", "plain"], day.env).stdout.strip()


def test_check_says_why_not_and_moves_nothing(day, server):
    key = _gated(day, "strict")
    no = cli(["workflow", "check", key, "--to", "shipped", "--format", "json"], day.env,
             check=False)
    assert no.returncode == 1
    assert (no.data["allowed"], no.data["from_status"], no.data["to_status"]) == (
        False, "Open", "Shipped")
    assert no.data["reason"] == ("transition from 'Open' to 'Shipped' is not allowed by "
                                 "workflow 'Gate strict'")
    assert cli(["ticket", "get", key], day.env).data["status"] == "Open"
    table = cli(["workflow", "check", key, "--to", "Doing", "--format", "table"], day.env)
    assert table.stdout.strip() == "Open -> Doing (Gate strict, enforcement strict): allowed"
    assert cli(["workflow", "check", key, "--to", "Doing", "--format", "plain"],
               day.env).stdout == "true\n"
    if day.kind == "remote":  # the API answers the same
        ticket = cli(["ticket", "get", key], day.env).data
        http = server.http.get(f"/api/v1/tickets/{ticket['id']}/transitions/check",
                               params={"to": "shipped"}, headers=auth(day.token)).json()
        assert http == no.data
    # and the move itself agrees
    moved = cli(["ticket", "transition", key, "--to-status", "Shipped"], day.env, check=False)
    assert moved.returncode == 7 and no.data["reason"] in moved.stderr


def test_warn_mode_allows_with_the_warning(day):
    key = _gated(day, "warn")
    answer = cli(["workflow", "check", key, "--to", "Shipped", "--format", "json"], day.env).data
    assert answer["allowed"] is True and "but enforcement is set to warn" in answer["warning"]


def test_a_viewer_is_told_the_role_it_lacks(day, server):
    """A Viewer may read the ticket but not move it: not allowed, with the role's reason."""
    if day.kind == "embedded":
        pytest.skip("one person per embedded database here; the rule is the same core")
    key = _gated(day, "none")
    owner = auth(day.token)
    org = cli(["auth", "me"], day.env).data["org_id"]
    email = day.email.replace("@", "+viewer@")
    viewer = server.http.post("/api/v1/auth/register", json={
        "email": email, "password": "password123", "display_name": "V"}).json()
    invite = server.http.post(f"/api/v1/orgs/{org}/invites", headers=owner,
                              json={"email": email, "role": "Viewer"})
    assert invite.status_code < 300, invite.text
    accepted = server.http.post("/api/v1/invites/accept", headers=auth(viewer["access_token"]),
                                json={"invite_code": invite.json()["invite_code"]})
    assert accepted.status_code < 300, accepted.text
    ticket = cli(["ticket", "get", key], day.env).data
    answer = server.http.get(f"/api/v1/tickets/{ticket['id']}/transitions/check",
                             params={"to": "Doing", "org_id": org},
                             headers=auth(viewer["access_token"])).json()
    assert (answer["allowed"], answer["reason"]) == (False, "requires Member role or above")
