"""Tables laid out as gh does, checked in a real terminal (tmux) at 80 and 120 columns.

The screens are kept in tests/cli_snapshots/ (ids, prefixes and clock times masked) so a
person can read them; regenerate after an intended change with ALLOY_UPDATE_SNAPSHOTS=1 and
review the diff by eye. The layout rules themselves are pinned by unit tests on
alloy.cli.tables.layout.
"""

from __future__ import annotations

import os
import re
import shlex

import pytest
from alloy.cli import tables

from tests.support import BIN, ROOT, cli
from tests.terminal import TMUX, Terminal

SNAPSHOTS = ROOT / "tests" / "cli_snapshots"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

COMMANDS = [
    "project list", "ticket list --project BACK", "comment list --ticket BACK-1",
    "sprint list --project BACK", "time list --ticket BACK-1", "time submitted",
    "invite list", "auth api-key list", "org list", "org members", "team list",
    "workflow list", "label list", "tag get --entity-type project --entity-id BACK",
    "labor-rate list",
]


# -- the rules, without a terminal ----------------------------------------------------------

def _rows(n: int, title: str = "t") -> list[dict]:
    return [{"key": f"BACK-{i}", "title": title, "status": "InProgress", "priority": "High",
             "team_id": "01a246dd-efeb-73cb-a380-6d53d1fded71",
             "updated_at": "2026-12-05T15:41:07.123456Z"} for i in range(1, n + 1)]


def test_secondary_columns_drop_from_the_right_before_the_title_shrinks():
    cols = ["key", "title", "status", "priority", "team_id", "updated_at"]
    wide = tables.layout(_rows(2, "Login times out on slow networks"), cols, width=200)
    assert list(wide.widths) == cols and wide.rows[0][-1] == "2026-12-05 15:41"
    narrow = tables.layout(_rows(2, "Login times out on slow networks"), cols, width=80)
    assert list(narrow.widths) == ["key", "title", "status", "priority"]  # ids: whole or gone
    assert narrow.widths["title"] == len("Login times out on slow networks")
    long = tables.layout(_rows(1, "x" * 300), cols, width=80)
    assert list(long.widths) == ["key", "title", "status", "priority"]
    assert sum(long.widths.values()) + tables.GAP * 3 == 80  # the title takes what is left


def test_the_key_is_never_cut_and_uuid_keys_become_short_unique_prefixes():
    ids = ["01a246dd-f9a0-7000-8000-000000000001", "01a246dd-f9a1-7000-8000-000000000002",
           "01b00000-0000-7000-8000-000000000003"]
    short = tables.short_ids(ids)
    assert short == {ids[0]: "01a246dd-f9a0", ids[1]: "01a246dd-f9a1", ids[2]: "01b00000"}
    laid = tables.layout([{"id": i, "body": "b" * 100} for i in ids], ["id", "body"], width=40)
    assert [r[0] for r in laid.rows] == list(short.values())
    piped = tables.layout([{"id": i, "body": "b"} for i in ids], ["id", "body"], width=None)
    assert [r[0] for r in piped.rows] == ids  # no width to fit: whole ids
    tiny = tables.layout([{"key": "BACK-12", "title": "a title"}], ["key", "title"], width=10)
    assert tiny.rows[0][0] == "BACK-12" and tiny.widths["key"] == 7


# -- a real terminal ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Ada's organization: two projects, tickets, comments (one a reply), a sprint, time,
    an invite, an API key, a team, labels, a tag and a labor rate."""
    from tests.support import base_env

    home = tmp_path_factory.mktemp("tables")
    env = base_env(home)
    run = lambda *args: cli(list(args), env)  # noqa: E731
    run("onboard", "--email", "ada@example.com", "--password", "password123",
        "--org-name", "Acme Corp", "--org-slug", "acme")
    run("project", "create", "--key", "BACK", "--name", "Backend Services", "--description",
        "APIs, workers and the billing pipeline that invoices every customer")
    run("project", "create", "--key", "WEEK", "--name", "Weekly chores")
    run("ticket", "create", "--project", "BACK", "--priority", "high", "--assignee", "ada",
        "--title", "Login times out after 30 seconds on slow mobile networks when SSO is on")
    run("ticket", "create", "--project", "BACK", "--title", "Cache project keys")
    first = run("comment", "add", "--ticket", "BACK-1", "--body", "Reproduced on a 3G profile:"
                " the SSO redirect takes 28 s before the form renders, so the timer fires.").data
    run("comment", "add", "--ticket", "BACK-1", "--body", "Fix is up for review",
        "--parent-id", first["id"])
    run("sprint", "create", "--project", "BACK", "--name", "Sprint 1", "--goal", "Ship the "
        "login fix and the cache so the mobile release can go out", "--start-date",
        "2026-12-01", "--end-date", "2026-12-14")
    entry = run("time", "log", "--ticket", "BACK-1", "--duration", "90", "--activity-type",
                "Coding", "--description", "Reproduced the SSO timeout and wrote a failing "
                "test", "--date", "2026-12-02").data
    run("time", "submit", entry["id"])
    run("invite", "create", "--email", "newcomer.with.a.long.address@example.com")
    run("auth", "api-key", "create", "--name", "CI pipeline")
    run("team", "create", "--name", "Platform", "--description", "Infrastructure, DevOps and "
        "the on-call rota for every production service")
    run("label", "create", "--name", "bug", "--color", "#FF0000")
    run("tag", "set", "--entity-type", "project", "--entity-id", "BACK", "--tag", "env=prod")
    run("labor-rate", "set", "--rate", "150", "--effective-date", "2026-01-01")
    return env, home


def _mask(screen: str) -> str:
    """Ids, key prefixes and clock times vary between runs: masked, alignment kept."""
    screen = re.sub(r"\b[0-9a-f]{8}(?:-[0-9a-f]{1,12})*\b", lambda m: "x" * len(m.group()),
                    screen)
    screen = re.sub(r"alloy_live_\w{4}", "alloy_live_XXXX", screen)
    return re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d", "YYYY-MM-DD HH:MM", screen)


def _same(screen: str) -> str:
    """What must match the snapshot: a prefix one character longer on another run moves
    columns and the ellipsis by one, so compare words, with cut words reduced to '…'.
    Rows keyed by an id prefix are left out: ids are time-ordered (UUIDv7), so how long a
    unique prefix is depends on how far apart the rows were made, and a longer key may drop
    a secondary column at 80 columns; those rows and their header are checked by content."""
    screen = re.sub(r"\S*…", "…", screen)
    lines = screen.splitlines()
    keyed = [bool(re.match(r"\s*x{8,}\s", line)) for line in lines]
    return "\n".join(" ".join(line.split()) for n, line in enumerate(lines)
                     if not keyed[n] and not (n + 1 < len(lines) and keyed[n + 1]))


@pytest.mark.skipif(not TMUX, reason="tmux is not installed")
@pytest.mark.parametrize("width", [80, 120])
def test_every_list_reads_well_at(width, world, tmp_path):
    env, home = world
    script = tmp_path / "lists.sh"
    script.write_text(  # wait until the pane has its size; the width is the terminal's own
        f'unset COLUMNS LINES\nuntil [ "$(stty size)" = "200 {width}" ]; do sleep 0.1; done\n'
        + "".join(f"echo '$ alloy {c}'\n{BIN / 'alloy'} {c}\n" for c in COMMANDS))
    with Terminal(["bash", str(script)], {**env, "NO_COLOR": "1"}, tmp_path,
                  width=width, height=200) as term:
        assert term.exit_code(timeout=120) == 0
        raw = term._tmux("capture-pane", "-p", "-J", "-S", "-")
    lines = [line.rstrip() for line in raw.rstrip("\n").splitlines()]
    assert all(len(line) <= width for line in lines), "\n".join(lines)
    ids = set(UUID.findall(cli(["org", "list"], env).stdout))
    for line in lines:  # an id is whole, or a prefix shown as the row's key
        for whole in UUID.findall(line):
            assert whole in _every_id(env) or whole in ids, whole
    screen = _mask("\n".join(lines)) + "\n"
    path = SNAPSHOTS / f"lists_{width}.txt"
    if os.environ.get("ALLOY_UPDATE_SNAPSHOTS") or not path.exists():
        path.parent.mkdir(exist_ok=True)
        path.write_text(screen)
    assert _same(screen) == _same(path.read_text()), screen
    for shown in ("BACK-1", "Backend Services", "Sprint 1", "ada", "Reproduced on a 3G",
                  "↳ Fix is up for review", "newcomer.with", "CI pipeline", "Platform"):
        assert shown in screen, shown


def _every_id(env) -> set[str]:
    found = set()
    for c in COMMANDS:
        found |= set(UUID.findall(cli(shlex.split(c) + ["--format", "json"], env).stdout))
    return found


def test_json_keeps_full_ids_and_every_field(world):
    env, _ = world
    comments = cli(["comment", "list", "--ticket", "BACK-1", "--format", "json"], env).data
    assert set(comments["data"][0]) >= {"id", "author_id", "body", "parent_comment_id"}
    assert UUID.fullmatch(comments["data"][0]["id"])
    projects = cli(["project", "list", "--format", "json"], env).data["data"]
    assert {"id", "team_id", "description", "ticket_counter"} <= set(projects[0])
