"""The search query language, every qualifier, on the configured database (SQLite, or
PostgreSQL with ALLOY_TEST_DB=postgres): one world of six tickets, a table of queries and
the tickets each must find; a table of bad queries and the words of their 422.
"""

from __future__ import annotations

import itertools

import pytest

from alloy.domain.query import parse
from alloy.domain.values import new_id, now
from alloy.errors import Invalid
from alloy.store import Scope
from tests.contract import LocalSide

_n = itertools.count()
ALL = {"BACK-1", "BACK-2", "BACK-3", "FRONT-1", "FRONT-2", "FRONT-3"}


class World:
    """alice (Owner) and bob (Member) in one org; BACK and FRONT; six tickets that differ in
    every way a qualifier can tell (see the module's table)."""

    def __init__(self, home) -> None:
        self.side = side = LocalSide(home)
        tag = next(_n)
        users = {}
        for name in ("alice", "bob"):
            pair = side.anon.call("auth.register", body={
                "email": f"{name}{tag}@example.com", "password": "password123",
                "display_name": name})
            users[name] = (pair, side.as_user(pair["access_token"]))
        self.alice_id = users["alice"][0]["user_id"]
        self.bob_email = f"bob{tag}@example.com"
        self.a = a = users["alice"][1]
        org = self.org = a.call("orgs.create", body={"name": "Acme", "slug": f"acme-q{tag}"})
        a.call("orgs.add_member", org_id=org["id"], body={"user_id": users["bob"][0]["user_id"],
                                                           "role": "member"})
        back = a.call("projects.create", body={"org_id": org["id"], "key": "BACK", "name": "B"})
        front = a.call("projects.create", body={"org_id": org["id"], "key": "FRONT", "name": "F"})
        sprint = a.call("sprints.create", project_id=back["id"], body={
            "name": "S1", "start_date": "2026-01-01", "end_date": "2099-01-14"})
        a.call("sprints.start", sprint_id=sprint["id"])
        bob = users["bob"][0]["user_id"]

        def ticket(project, title, **fields):
            return a.call("tickets.create", project_id=project["id"],
                          body={"title": title, **fields})

        self.t = t = {
            "BACK-1": ticket(back, "Login fails on Safari", description="session expired after "
                             "idle", priority="high", assignee_id=self.alice_id,
                             status="InProgress", sprint_id=sprint["id"]),
            "BACK-2": ticket(back, "Crash in export", priority="urgent", assignee_id=bob,
                             status="Done"),
            "BACK-3": ticket(back, "Dark mode", priority="low"),
            "FRONT-1": ticket(front, "Login button misaligned", priority="medium",
                              assignee_id=self.alice_id, status="Cancelled"),
            "FRONT-2": ticket(front, "Waiting on the API"),
            "FRONT-3": ticket(front, "Waiting on the export"),
        }
        a.call("comments.create", ticket_id=t["BACK-2"]["id"], body={"body": "happens after login"})
        a.call("comments.create", ticket_id=t["BACK-3"]["id"], body={"body": "users ask daily"})
        for name in ("bug", "wontfix"):
            a.call("labels.create", org_id=org["id"], body={"name": name, "color": "#FF0000"})
        a.call("labels.set_for_ticket", ticket_id=t["BACK-1"]["id"], body={"label_ids": ["bug"]})
        a.call("labels.set_for_ticket", ticket_id=t["BACK-2"]["id"],
               body={"label_ids": ["bug", "wontfix"]})
        a.call("tags.set", org_id=org["id"], entity_type="ticket", entity_id=t["BACK-1"]["id"],
               body={"tags": [{"key": "env", "value": "prod"}]})
        # parent_id and relations have no operation on this branch yet: written as rows
        self.write("UPDATE tickets SET parent_id = ?, created_at = ?, updated_at = ? WHERE id = ?",
                   t["BACK-1"]["id"], "2026-10-01T10:00:00.000Z", "2026-10-01T10:00:00.000Z",
                   t["BACK-3"]["id"])
        for source, target in (("BACK-1", "FRONT-2"), ("BACK-2", "FRONT-3")):
            self.write("INSERT INTO ticket_relations (id, org_id, source_id, target_id, kind, "
                       "created_by, created_at) VALUES (?, ?, ?, ?, 'blocks', ?, ?)", new_id(),
                       org["id"], t[source]["id"], t[target]["id"], self.alice_id, now())

    def write(self, sql: str, *params) -> None:
        with self.side.env.store.unit(scope=Scope(user_id=self.alice_id)) as db:
            db.run(sql, *params)
            db.commit()

    def search(self, q: str, client=None, **query) -> list[str]:
        page = (client or self.a).call("tickets.search", org_id=self.org["id"],
                                       query={"q": q, "limit": 100, **query})
        return [item["key"] for item in page["items"]]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    return World(tmp_path_factory.mktemp("search"))


# query -> the tickets it finds (a set: any order; a list: this order)
CASES = [
    # free words, phrases, prefixes, negation (title, description and comments)
    ("login", {"BACK-1", "FRONT-1", "BACK-2"}),
    ("LOGIN safari", {"BACK-1"}),
    ("login crash", {"BACK-2"}),  # title and comment of one ticket
    ('"session expired"', {"BACK-1"}),
    ('"expired session"', set()),
    ("log*", {"BACK-1", "FRONT-1", "BACK-2"}),
    ("login -safari", {"FRONT-1", "BACK-2"}),
    ('-"session expired"', ALL - {"BACK-1"}),
    ("daily", {"BACK-3"}),
    ("nothing-like-this", set()),
    ("", ALL),
    # is: by workflow category
    ("is:open", {"BACK-1", "BACK-3", "FRONT-2", "FRONT-3"}),
    ("is:closed", {"BACK-2", "FRONT-1"}),
    ("-is:closed", {"BACK-1", "BACK-3", "FRONT-2", "FRONT-3"}),
    # status: as the workflow spells it, or not
    ("status:inprogress", {"BACK-1"}),
    ('status:"in progress"', {"BACK-1"}),
    ("status:done,cancelled", {"BACK-2", "FRONT-1"}),
    ("-status:backlog", {"BACK-1", "BACK-2", "FRONT-1"}),
    # priority: ordered
    ("priority:>=high", {"BACK-1", "BACK-2"}),
    ("priority:>high", {"BACK-2"}),
    ("priority:<medium", {"BACK-3", "FRONT-2", "FRONT-3"}),
    ("priority:<=low", {"BACK-3", "FRONT-2", "FRONT-3"}),
    ("priority:urgent", {"BACK-2"}),
    ("priority:critical", {"BACK-2"}),
    ("priority:high,urgent", {"BACK-1", "BACK-2"}),
    ("-priority:none", {"BACK-1", "BACK-2", "BACK-3", "FRONT-1"}),
    # assignee:
    ("assignee:@me", {"BACK-1", "FRONT-1"}),
    ("assignee:me", {"BACK-1", "FRONT-1"}),
    ("-assignee:@me", {"BACK-2", "BACK-3", "FRONT-2", "FRONT-3"}),  # unassigned included
    ("no:assignee", {"BACK-3", "FRONT-2", "FRONT-3"}),
    ("has:assignee", {"BACK-1", "BACK-2", "FRONT-1"}),
    ("assignee:none", {"BACK-3", "FRONT-2", "FRONT-3"}),
    # label:
    ("label:bug", {"BACK-1", "BACK-2"}),
    ("label:BUG", {"BACK-1", "BACK-2"}),
    ("-label:wontfix", ALL - {"BACK-2"}),
    ("label:bug -label:wontfix", {"BACK-1"}),
    ("label:bug,wontfix", {"BACK-1", "BACK-2"}),
    ("label:nosuch", set()),
    ("has:label", {"BACK-1", "BACK-2"}),
    # project:
    ("project:FRONT", {"FRONT-1", "FRONT-2", "FRONT-3"}),
    ("project:back,front", ALL),
    ("-project:back", {"FRONT-1", "FRONT-2", "FRONT-3"}),
    ("login project:FRONT", {"FRONT-1"}),
    # sprint:
    ("sprint:current", {"BACK-1"}),
    ("sprint:s1", {"BACK-1"}),
    ("sprint:none", ALL - {"BACK-1"}),
    ("-sprint:current", ALL - {"BACK-1"}),
    ("has:sprint", {"BACK-1"}),
    # created: and updated: (BACK-3 dates from 2026-10-01; the rest from now)
    ("created:<2026-10-02", {"BACK-3"}),
    ("created:2026-10-01", {"BACK-3"}),
    ("created:<=2026-10-01", {"BACK-3"}),
    ("created:>2026-10-01", ALL - {"BACK-3"}),
    ("created:>=2026-10-01", ALL),
    ("created:<2026-10-01", set()),
    ("updated:<7d", ALL - {"BACK-3"}),
    ("updated:>7d", {"BACK-3"}),
    ("updated:<2w", ALL - {"BACK-3"}),
    ("created:>12h", {"BACK-3"}),
    # tag:
    ("tag:env=prod", {"BACK-1"}),
    ("tag:env", {"BACK-1"}),
    ("tag:env=dev", set()),
    ("-tag:env", ALL - {"BACK-1"}),
    # has:/no: parent, children, comments; blocked:
    ("has:parent", {"BACK-3"}),
    ("no:parent", ALL - {"BACK-3"}),
    ("has:children", {"BACK-1"}),
    ("has:comments", {"BACK-2", "BACK-3"}),
    ("no:comments", {"BACK-1", "FRONT-1", "FRONT-2", "FRONT-3"}),
    ("blocked:true", {"FRONT-2"}),  # FRONT-3's blocker is done
    ("blocked:false", ALL - {"FRONT-2"}),
    ("-blocked:true", ALL - {"FRONT-2"}),
    # sort:
    ("is:open sort:priority-desc", ["BACK-1", "BACK-3", "FRONT-3", "FRONT-2"]),
    ("is:open sort:priority-asc", ["FRONT-3", "FRONT-2", "BACK-3", "BACK-1"]),  # ties: recent first
    ("sort:created-asc", ["BACK-3", "BACK-1", "BACK-2", "FRONT-1", "FRONT-2", "FRONT-3"]),
    ("sort:created", ["FRONT-3", "FRONT-2", "FRONT-1", "BACK-2", "BACK-1", "BACK-3"]),
    ("sort:updated-asc project:back", ["BACK-3", "BACK-1", "BACK-2"]),
    ("sort:number-asc", ["BACK-1", "BACK-2", "BACK-3", "FRONT-1", "FRONT-2", "FRONT-3"]),
    ("waiting sort:number-desc", ["FRONT-3", "FRONT-2"]),
    # several qualifiers and words together
    ("login is:open priority:>=high assignee:@me label:bug sprint:current tag:env=prod",
     {"BACK-1"}),
]


@pytest.mark.parametrize("q, expected", CASES, ids=[c[0] or "(empty)" for c in CASES])
def test_every_qualifier_finds_what_it_says(world, q, expected):
    found = world.search(q)
    if isinstance(expected, list):
        assert found == expected
    else:
        assert set(found) == expected and len(found) == len(set(found))


def test_assignee_by_email_and_project_parameter(world):
    assert world.search(f"assignee:{world.bob_email}") == ["BACK-2"]
    assert world.search(f"assignee:{world.bob_email.upper()}") == ["BACK-2"]
    assert set(world.search("", project_id="FRONT")) == {"FRONT-1", "FRONT-2", "FRONT-3"}
    back = world.t["BACK-1"]["project_id"]
    assert set(world.search("login", project_id=back)) == {"BACK-1", "BACK-2"}


def test_relevance_then_recency(world):
    # a title match outranks a comment match; equal matches: the most recently updated first
    found = world.search("login")
    assert found[-1] == "BACK-2"  # "login" only in a comment
    assert world.search("waiting") == ["FRONT-3", "FRONT-2"]
    assert world.search("waiting sort:relevance") == ["FRONT-3", "FRONT-2"]


def test_pages_follow_the_cursor(world):
    seen, cursor = [], None
    while True:
        query = {"q": "sort:number-asc", "limit": 4, **({"cursor": cursor} if cursor else {})}
        page = world.a.call("tickets.search", org_id=world.org["id"], query=query)
        seen += [i["key"] for i in page["items"]]
        if not page["has_more"]:
            assert page["next_cursor"] is None
            break
        cursor = page["next_cursor"]
    assert seen == ["BACK-1", "BACK-2", "BACK-3", "FRONT-1", "FRONT-2", "FRONT-3"]
    bad = world.a.attempt("tickets.search", org_id=world.org["id"], query={"cursor": "zzz"})
    assert bad == {"error": "VALIDATION_ERROR", "status": 422}


BAD = [
    ("prio:high", 'unknown qualifier "prio:" — did you mean "priority:"?', "prio:high"),
    ("statu:done", 'did you mean "status:"?', "statu:done"),
    ("https://example.com", 'unknown qualifier "https:"', "https://example.com"),
    ("priority:>=hgh", 'unknown priority "hgh"', "priority:>=hgh"),
    ("priority:>high,low", "compare with one priority", "priority:>high,low"),
    ("is:pending", "expected open or closed", "is:pending"),
    ("created:>yesterday", "expected a date (2026-11-01) or an age", "created:>yesterday"),
    ("created:2026-02-30", "is not a calendar date", "created:2026-02-30"),
    ("sort:size", 'unknown sort "size"', "sort:size"),
    ("sort:updated-up", 'unknown direction "up"', "sort:updated-up"),
    ("-sort:updated", "cannot be negated", "-sort:updated"),
    ("sort:updated sort:created", "give sort: once", "sort:created"),
    ('label:"needs review', "never closed", 'label:"needs review'),
    ("label:", "give a value after the colon", "label:"),
    ("has:magic", "expected assignee, sprint, label, parent, children or comments", "has:magic"),
    ("blocked:maybe", "expected true or false", "blocked:maybe"),
    ("tag:=x", "expected tag:key=value or tag:key", "tag:=x"),
    ("assignee:nobody@example.com", 'no member of this organization has the email',
     "assignee:nobody@example.com"),
    ("assignee:bob", "expected @me, an email or none", "assignee:bob"),
    ("project:NOPE", 'no project with key "NOPE"', "project:NOPE"),
]


@pytest.mark.parametrize("q, words, token", BAD, ids=[b[0] for b in BAD])
def test_a_bad_query_names_the_offending_token(world, q, words, token):
    with pytest.raises(Invalid) as err:
        world.search(q)
    assert words in err.value.message
    assert err.value.details[0]["token"] == token


def test_the_index_follows_edits_comments_and_deletes(world):
    a, t = world.a, world.t
    created = a.call("tickets.create", project_id=t["BACK-1"]["project_id"],
                     body={"title": "Quokka sighting"})
    assert world.search("quokka") == [created["key"]]
    a.call("tickets.update", ticket_id=created["id"], body={"title": "Wombat sighting",
                                                            "description": "near the gate"})
    assert world.search("quokka") == [] and world.search("wombat gate") == [created["key"]]
    comment = a.call("comments.create", ticket_id=created["id"], body={"body": "a platypus"})
    assert world.search("platypus") == [created["key"]]
    a.call("comments.update", comment_id=comment["id"], body={"body": "an echidna"})
    assert world.search("platypus") == [] and world.search("echidna") == [created["key"]]
    a.call("comments.delete", comment_id=comment["id"])
    assert world.search("echidna") == []
    a.call("comments.create", ticket_id=created["id"], body={"body": "numbat"})
    a.call("tickets.delete", ticket_id=created["id"], query={"cascade": True})
    assert world.search("numbat") == [] and world.search("wombat") == []


def test_parse_is_pure_and_reads_the_whole_language():
    q = parse('login "two words" auth* -spam is:open -label:"needs review" priority:>=high '
              "sort:updated-asc")
    assert [(t.text, t.phrase, t.prefix, t.negated) for t in q.terms] == [
        ("login", False, False, False), ("two words", True, False, False),
        ("auth", False, True, False), ("spam", False, False, True)]
    assert [(f.name, f.op, f.values, f.negated) for f in q.filters] == [
        ("is", "=", ("open",), False), ("label", "=", ("needs review",), True),
        ("priority", ">=", ("High",), False)]
    assert q.order() == ("updated", False)
    assert parse("words only").order() == ("relevance", True)
    assert parse("is:open").order() == ("updated", True)
    assert parse("- !!! \"\"").terms == ()  # punctuation alone is ignored


def test_migrations_split_around_trigger_and_function_bodies():
    from alloy.store.migrate import split_sql

    script = ("-- a comment; with a semicolon\nCREATE TABLE a (x INT);\n"
              "CREATE TRIGGER t AFTER INSERT ON a BEGIN\n  INSERT INTO b VALUES (1);\n"
              "  DELETE FROM c;\nEND;\n"
              "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
              "  PERFORM 1;\n  RETURN NULL;\nEND\n$$;\nSELECT 1")
    assert [s.split()[1] for s in split_sql(script)] == ["TABLE", "TRIGGER", "FUNCTION", "1"]
