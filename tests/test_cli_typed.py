"""The CLI reads operations' answers as their result Structs (issue 13).

Every field a command reads comes from `Client.run` (cli/common.run) or from the reference
resolver (alloy.client.refs), both typed: a field read by a wrong name raises where it is read
(AttributeError on a Struct, TypeError on an old `answer["id"]`), and the CLI tests, which run
every command, fail on it (exit 1, "unexpected AttributeError"). The JSON-shaped form the CLI
prints would have answered `.get("misspelt")` with a silent None. Embedded and remote alike.
"""

from __future__ import annotations

import os

import msgspec
import pytest

from tests.support import cli, onboarded


@pytest.fixture(params=["embedded", "remote"])
def session(request, tmp_path, monkeypatch):
    """The CLI's own client for Ada (org `acme`, project WEEK with WEEK-1), as a command gets
    it, with the CLI's environment in this process."""
    for env in onboarded(tmp_path, request.param):
        cli(["project", "create", "--key", "WEEK", "--name", "Weekly"], env)
        cli(["ticket", "create", "--project", "WEEK", "--title", "chore"], env)
        for name in [n for n in os.environ if n.startswith("ALLOY_")]:
            monkeypatch.delenv(name)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        from alloy.cli.session import client

        found = client()  # outside a command: a client of its own, closed here
        try:
            yield found
        finally:
            found.close()


def test_a_misspelt_field_of_an_answer_raises_where_it_is_read(session):
    me = session.run("auth.me")
    assert isinstance(me, msgspec.Struct) and me.email == "ada@example.com"
    with pytest.raises(AttributeError):
        me.org_idd  # noqa: B018 - the read is the test
    with pytest.raises(TypeError):
        me["org_id"]  # noqa: B018 - the dict habit fails too
    assert session.call("auth.me").get("org_idd") is None  # what printing's form would say
    page = session.run("orgs.list_members", org_id=me.org_id)
    assert [m.email for m in page.items] == ["ada@example.com"] and page.has_more is False
    with pytest.raises(AttributeError):
        page.items[0].emial  # noqa: B018


def test_the_reference_resolver_answers_structs(session):
    from alloy.client import refs

    project = refs.project(session, "week")
    ticket = refs.ticket(session, "WEEK-1")
    org = refs.org(session, "acme")
    ada = refs.user(session, "ada@example.com")
    assert (project.key, ticket.key, ticket.project_id, org.slug, ada.email) == (
        "WEEK", "WEEK-1", project.id, "acme", "ada@example.com")
    for found in (project, ticket, org, ada):
        assert isinstance(found, msgspec.Struct)
        with pytest.raises(AttributeError):
            found.identifier  # noqa: B018
