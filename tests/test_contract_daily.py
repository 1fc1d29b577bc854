"""Timers and the transition check behave the same embedded and remote (issue 17)."""

from __future__ import annotations

from tests.contract import LocalSide, RemoteSide, normalize


def _steady(timer):
    """A timer as observed: how long it ran depends on the machine's speed."""
    if isinstance(timer, dict) and "elapsed_seconds" in timer:
        return {**timer, "elapsed_seconds": timer["elapsed_seconds"] >= 0}
    return timer


def scenario_daily(side, tag: str) -> list:
    seen = []
    user = side.anon.call("auth.register", body={
        "email": f"d-{tag}@example.com", "password": "password123", "display_name": "D"})
    org = side.as_user(user["access_token"]).call("orgs.create", body={
        "name": "Daily", "slug": f"daily-{tag}"})
    a = side.as_user(user["access_token"], org["id"])
    flow = a.call("workflows.create", org_id=org["id"], body={
        "name": "Gate", "enforcement": "strict",
        "statuses": [{"name": "Open", "category": "todo"},
                     {"name": "Shipped", "category": "done"}],
        "transitions": [{"from": "Open", "to": "Shipped"}]})
    p = a.call("projects.create", body={"org_id": org["id"], "key": "DD", "name": "Daily",
                                        "workflow_id": flow["id"]})
    one, two = (a.call("tickets.create", project_id=p["id"], body={"title": t,
                                                                   "status": "Open"})
                for t in ("One", "Two"))
    seen.append(a.call("transitions.check", ticket_id=one["id"], query={"to": "shipped"}))
    seen.append(a.call("transitions.check", ticket_id=one["id"], query={"to": "Elsewhere"}))
    seen.append(a.attempt("timers.current"))
    seen.append(_steady(a.call("timers.start", body={"ticket_id": one["id"]})))
    seen.append(_steady(a.call("timers.start", body={"ticket_id": one["id"]})))
    seen.append(a.attempt("timers.start", body={"ticket_id": two["id"]}))
    seen.append(_steady(a.call("timers.current")))
    seen.append(a.attempt("timers.stop", body={}))  # no activity, none used before
    stopped = a.call("timers.stop", body={"activity_type": "testing", "description": "t"})
    seen.append({**stopped, "timer": _steady(stopped["timer"])})
    seen.append(a.attempt("timers.discard"))
    a.call("timers.start", body={"ticket_id": two["id"]})
    stopped = a.call("timers.stop", body={})  # the last activity: Testing
    seen.append(stopped["entry"]["activity_type"])
    a.call("timers.start", body={"ticket_id": two["id"]})
    seen.append(a.call("timers.discard"))
    seen.append(a.attempt("timers.current"))
    return seen


def test_daily_contract(server, tmp_path):
    local = scenario_daily(LocalSide(tmp_path), "c1")
    remote = scenario_daily(RemoteSide(server), "c1")
    assert normalize(local) == normalize(remote)
    assert local[0]["allowed"] is True and local[1]["allowed"] is False
    assert local[1]["reason"] == "transition from 'Open' to 'Elsewhere' is not allowed by " \
        "workflow 'Gate'"
    assert local[2] == {"error": "NOT_FOUND", "status": 404}
    assert local[5] == {"error": "CONFLICT", "status": 409}
    assert local[7] == {"error": "VALIDATION_ERROR", "status": 422}
    entry = local[8]["entry"]
    assert (entry["duration_minutes"], entry["activity_type"], entry["status"]) == (
        1, "Testing", "Draft")
    assert local[10] == "Testing" and local[11] is None
