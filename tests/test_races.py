"""Read-check-write rules under real concurrency: requests raced at a multi-worker server.

SQLite runs one write transaction at a time, so these pass there by construction;
PostgreSQL runs them side by side and only row locks or constraints keep each rule
(docs/server.md, "Concurrency on PostgreSQL"). Each test races the two requests that break
its rule, many rounds over, at `alloy serve --workers 4` (run with ALLOY_TEST_DB=postgres).
"""

from __future__ import annotations

import itertools
import threading
import time

import httpx
import pytest

from tests.support import Server, auth

WORKERS = 4
ROUNDS = 12
_n = itertools.count()


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("races"), args=("--workers", str(WORKERS)),
               ALLOY_REGISTRATION="open")
    yield s
    s.stop()


class User:
    def __init__(self, srv: Server) -> None:
        n = next(_n)
        r = srv.http.post("/api/v1/auth/register", json={
            "email": f"racer{n}-{time.time_ns()}@example.com", "password": "password123",
            "display_name": f"Racer {n}"})
        assert r.status_code == 201, r.text
        body = r.json()
        self.id, self.org_id, self.h = body["user_id"], body["org_id"], auth(body["access_token"])


def call(srv: Server, user: User, method: str, path: str, want: int | None = None, **kw):
    r = srv.http.request(method, path, headers=user.h, **kw)
    if want is not None:
        assert r.status_code == want, r.text
    return r


def race(srv: Server, *requests: tuple) -> list[httpx.Response]:
    """Send each (user, method, path, kwargs) at the same moment, each on its own warmed-up
    connection (so on its own worker, most of the time); answers in the same order."""
    clients = [httpx.Client(base_url=srv.url, timeout=60) for _ in requests]
    for c in clients:
        c.get("/health")
    gate = threading.Barrier(len(requests))
    out: list = [None] * len(requests)

    def go(i: int) -> None:
        user, method, path, kw = requests[i]
        gate.wait()
        try:
            out[i] = clients[i].request(method, path, headers=user.h if user else {}, **kw)
        except Exception as e:  # noqa: BLE001 - reported by the assertion below
            out[i] = e

    threads = [threading.Thread(target=go, args=(i,)) for i in range(len(requests))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for c in clients:
        c.close()
    assert all(isinstance(r, httpx.Response) for r in out), out
    return out


def codes(answers: list[httpx.Response]) -> list[int]:
    return sorted(r.status_code for r in answers)


def _project(srv: Server, user: User, **fields) -> dict:
    key = f"R{next(_n)}"
    return call(srv, user, "POST", "/api/v1/projects", 201,
                json={"org_id": user.org_id, "key": key, "name": key, **fields}).json()


def _ticket(srv: Server, user: User, project_id: str, **fields) -> dict:
    return call(srv, user, "POST", f"/api/v1/projects/{project_id}/tickets", 201,
                json={"title": "race", **fields}).json()


@pytest.fixture(scope="module")
def owner(srv):
    return User(srv)


@pytest.fixture(scope="module")
def other(srv):
    return User(srv)


def test_two_moves_from_one_status_cannot_both_win(srv, owner):
    """Strict Open -> Left and Open -> Right, both terminal: of two raced moves one wins and
    the other is judged from the winner's status (422), with one move in the activity log."""
    flow = call(srv, owner, "POST", f"/api/v1/orgs/{owner.org_id}/workflows", 201, json={
        "name": f"Fork {next(_n)}", "enforcement": "strict",
        "statuses": [{"name": "Open", "category": "todo"}, {"name": "Left", "category": "done"},
                     {"name": "Right", "category": "done"}],
        "transitions": [{"from": "Open", "to": "Left"}, {"from": "Open", "to": "Right"}]}).json()
    project = _project(srv, owner, workflow_id=flow["id"])
    for _ in range(ROUNDS * 2):
        ticket = _ticket(srv, owner, project["id"])
        assert ticket["status"] == "Open"
        path = f"/api/v1/tickets/{ticket['id']}/transition"
        answers = race(srv, (owner, "POST", path, {"json": {"to_status": "Left"}}),
                       (owner, "POST", path, {"json": {"to_status": "Right"}}))
        assert codes(answers) == [200, 422], [r.text for r in answers]
        won = next(r.json()["status"] for r in answers if r.status_code == 200)
        assert call(srv, owner, "GET", f"/api/v1/tickets/{ticket['id']}").json()["status"] == won
        moves = [a for a in call(srv, owner, "GET", f"/api/v1/tickets/{ticket['id']}/activity",
                                 params={"limit": 100}).json()["items"]
                 if a["payload"]["action"] == "transition"]
        assert len(moves) == 1, moves


def _org_with_two_owners(srv: Server, a: User, b: User) -> str:
    org = call(srv, a, "POST", "/api/v1/orgs", 201,
               json={"name": "Race", "slug": f"race-{next(_n)}-{time.time_ns()}"}).json()
    call(srv, a, "POST", f"/api/v1/orgs/{org['id']}/members", 201,
         json={"user_id": b.id, "role": "Owner"})
    return org["id"]


def _owners(srv: Server, user: User, org_id: str) -> list[str]:
    members = call(srv, user, "GET", f"/api/v1/orgs/{org_id}/members", 200,
                   params={"limit": 100}).json()["items"]
    return [m["user_id"] for m in members if m["role"] == "Owner"]


def test_two_owners_demoting_each_other_keep_one_owner(srv, owner, other):
    for _ in range(ROUNDS):
        org_id = _org_with_two_owners(srv, owner, other)
        base = f"/api/v1/orgs/{org_id}/members"
        answers = race(srv, (owner, "PATCH", f"{base}/{other.id}", {"json": {"role": "Admin"}}),
                       (other, "PATCH", f"{base}/{owner.id}", {"json": {"role": "Admin"}}))
        got = codes(answers)
        assert got[0] == 200 and got[1] in (403, 409), [r.text for r in answers]
        assert len(_owners(srv, owner, org_id)) == 1


def test_two_owners_removing_each_other_keep_one_owner(srv, owner, other):
    for _ in range(ROUNDS):
        org_id = _org_with_two_owners(srv, owner, other)
        base = f"/api/v1/orgs/{org_id}/members"
        answers = race(srv, (owner, "DELETE", f"{base}/{other.id}", {}),
                       (other, "DELETE", f"{base}/{owner.id}", {}))
        got = codes(answers)
        assert got[0] == 204 and got[1] in (404, 409), [r.text for r in answers]
        survivor = owner if answers[0].status_code == 204 else other
        assert len(_owners(srv, survivor, org_id)) == 1


def test_one_active_sprint_per_project(srv, owner):
    project = _project(srv, owner)
    base = f"/api/v1/projects/{project['id']}/sprints"
    for i in range(ROUNDS):
        sprints = [call(srv, owner, "POST", base, 201, json={
            "name": f"S{i}{side}", "start_date": "2026-01-05", "end_date": "2026-01-16"}).json()
            for side in "ab"]
        answers = race(srv, *[(owner, "POST", f"/api/v1/sprints/{s['id']}/start", {})
                              for s in sprints])
        assert codes(answers) == [200, 422], [r.text for r in answers]
        active = call(srv, owner, "GET", base, 200,
                      params={"status": "Active", "limit": 100}).json()["items"]
        assert len(active) == 1
        # completing the Active sprint twice at once: one completes, one is told it cannot
        path = f"/api/v1/sprints/{active[0]['id']}/complete"
        answers = race(srv, (owner, "POST", path, {}), (owner, "POST", path, {}))
        assert codes(answers) == [200, 422], [r.text for r in answers]


def test_time_entry_is_approved_or_rejected_once(srv, owner):
    project = _project(srv, owner)
    ticket = _ticket(srv, owner, project["id"])
    for _ in range(ROUNDS):
        entry = call(srv, owner, "POST", "/api/v1/time-entries", 201, json={
            "ticket_id": ticket["id"], "date": "2026-01-05", "duration_minutes": 30,
            "activity_type": "Coding"}).json()
        base = f"/api/v1/time-entries/{entry['id']}"
        call(srv, owner, "POST", f"{base}/submit", 200)
        answers = race(srv, (owner, "POST", f"{base}/approve", {}),
                       (owner, "POST", f"{base}/reject", {"json": {"reason": "no"}}))
        assert codes(answers) == [200, 409], [r.text for r in answers]
        won = next(r.json()["status"] for r in answers if r.status_code == 200)
        assert call(srv, owner, "GET", base, 200).json()["status"] == won
        # an edit racing a submit: the edit lands before the entry locks, or is refused
        answers = race(srv, (owner, "POST", f"{base}/submit", {}),
                       (owner, "PATCH", base, {"json": {"duration_minutes": 45}}))
        final = call(srv, owner, "GET", base, 200).json()
        if final["status"] == "Submitted" and answers[1].status_code == 200:
            assert final["duration_minutes"] == 45


def test_labor_rate_once_per_effective_date(srv, owner):
    for i in range(ROUNDS):
        day = f"2026-02-{i + 1:02d}"
        body = {"json": {"user_id": owner.id, "org_id": owner.org_id,
                         "loaded_rate_cents": 10_000 + i, "effective_date": day}}
        answers = race(srv, *[(owner, "POST", "/api/v1/labor-rates", body)] * 2)
        assert codes(answers) == [201, 409], [r.text for r in answers]


def test_delete_guard_sees_a_ticket_created_during_the_delete(srv, owner):
    """A project delete without cascade refuses (409) once it has a ticket: a ticket created
    at the same moment is either counted (409) or refused (404/409), never deleted unseen."""
    for _ in range(ROUNDS):
        project = _project(srv, owner)
        answers = race(srv, (owner, "DELETE", f"/api/v1/projects/{project['id']}", {}),
                       (owner, "POST", f"/api/v1/projects/{project['id']}/tickets",
                        {"json": {"title": "late"}}))
        deleted, created = (r.status_code for r in answers)
        assert (deleted, created) in ((204, 404), (204, 409), (409, 201)), \
            [r.text for r in answers]


def test_sprint_delete_guard_sees_a_ticket_joining(srv, owner):
    project = _project(srv, owner)
    for i in range(ROUNDS):
        sprint = call(srv, owner, "POST", f"/api/v1/projects/{project['id']}/sprints", 201,
                      json={"name": f"D{i}", "start_date": "2026-01-05",
                            "end_date": "2026-01-16"}).json()
        answers = race(srv, (owner, "DELETE", f"/api/v1/sprints/{sprint['id']}", {}),
                       (owner, "POST", f"/api/v1/projects/{project['id']}/tickets",
                        {"json": {"title": "joins", "sprint_id": sprint["id"]}}))
        deleted, created = (r.status_code for r in answers)
        assert (deleted, created) in ((204, 422), (409, 201)), [r.text for r in answers]


def test_label_names_stay_unique_ignoring_case(srv, owner):
    for i in range(ROUNDS):
        path = f"/api/v1/orgs/{owner.org_id}/labels"
        answers = race(srv, (owner, "POST", path, {"json": {"name": f"Bug{i}", "color": "#FF5733"}}),
                       (owner, "POST", path, {"json": {"name": f"bug{i}", "color": "#FF5733"}}))
        assert codes(answers) == [201, 409], [r.text for r in answers]


def test_ticket_numbers_stay_unique(srv, owner):
    project = _project(srv, owner)
    path = f"/api/v1/projects/{project['id']}/tickets"
    answers = race(srv, *[(owner, "POST", path, {"json": {"title": f"n{i}"}})
                          for i in range(16)])
    assert codes(answers) == [201] * 16
    assert sorted(r.json()["ticket_number"] for r in answers) == list(range(1, 17))


def test_an_invite_is_accepted_once(srv, owner):
    racers = [User(srv), User(srv)]
    for _ in range(ROUNDS):
        org = call(srv, owner, "POST", "/api/v1/orgs", 201,
                   json={"name": "Inv", "slug": f"inv-{next(_n)}-{time.time_ns()}"}).json()
        invite = call(srv, owner, "POST", f"/api/v1/orgs/{org['id']}/invites", 201,
                      json={"role": "Member"}).json()
        body = {"json": {"invite_code": invite["invite_code"]}}
        answers = race(srv, *[(u, "POST", "/api/v1/invites/accept", body) for u in racers])
        assert codes(answers) == [201, 404], [r.text for r in answers]
        members = call(srv, owner, "GET", f"/api/v1/orgs/{org['id']}/members", 200).json()
        assert len(members["items"]) == 2


def test_a_server_is_onboarded_once(tmp_path):
    """The first-run onboarding checks that no organization exists, then makes one: two
    raced onboardings of an empty server must not both succeed. (One worker: its threads
    race on their own connections; a fresh server per round is the slow part.)"""
    for i in range(3):
        home = tmp_path / f"empty{i}"
        home.mkdir()
        fresh = Server(home)
        try:
            onboard = [(None, "POST", "/api/v1/onboard", {"json": {
                "email": f"first{i}{side}@example.com", "password": "password123",
                "org_name": "First", "org_slug": f"first-{side}"}}) for side in "ab"]
            answers = race(fresh, *onboard)
            assert codes(answers) == [201, 409], [r.text for r in answers]
        finally:
            fresh.stop()


def test_an_api_key_is_revoked_once(srv):
    owner = User(srv)  # one org: its keys need no org named (the module's owner has many)
    for i in range(ROUNDS):
        key = call(srv, owner, "POST", "/api/v1/api-keys", 201,
                   json={"name": f"k{i}"}).json()
        path = f"/api/v1/api-keys/{key['id']}"
        answers = race(srv, (owner, "DELETE", path, {}), (owner, "DELETE", path, {}))
        assert codes(answers) == [204, 404], [r.text for r in answers]



def test_batches_locking_in_opposite_orders_answer_409_not_500(srv, owner):
    """Two batch updates of the same tickets in opposite orders each lock one and wait for
    the other: PostgreSQL breaks the deadlock by rolling one back, which answers 409."""
    project = _project(srv, owner)
    tickets = [_ticket(srv, owner, project["id"])["id"] for _ in range(4)]
    for _ in range(ROUNDS):
        answers = race(srv, (owner, "POST", "/api/v1/tickets/batch-update",
                             {"json": {"ticket_ids": tickets, "priority": "High"}}),
                       (owner, "POST", "/api/v1/tickets/batch-update",
                        {"json": {"ticket_ids": tickets[::-1], "priority": "Low"}}))
        assert set(codes(answers)) <= {200, 409} and 200 in codes(answers), \
            [r.text for r in answers]
