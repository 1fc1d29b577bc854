"""`alloy ticket link | unlink | links | tree`, `--parent` and relations in `ticket get`,
embedded and remote."""

from __future__ import annotations

from tests.support import cli
from tests.test_cli_work import mode  # noqa: F401 - the embedded/remote fixture


def _tickets(env, org: str, *titles: str) -> list[dict]:
    cli(["project", "create", "--org-id", org, "--key", "BACK", "--name", "Backend"], env)
    cli(["project", "create", "--org-id", org, "--key", "WEB", "--name", "Web"], env)
    return [cli(["ticket", "create", "--project", key, "--title", title], env).data
            for key, title in titles]


def test_link_tree_and_get(mode):  # noqa: F811
    _, env, ids = mode
    epic, login, page, docs = _tickets(env, ids["org"], ("BACK", "Epic"), ("BACK", "Login"),
                                       ("WEB", "Login page " + "x" * 90), ("WEB", "Docs"))
    made = cli(["ticket", "link", "BACK-2", "--blocks", "WEB-1"], env).data
    assert (made["kind"], made["ticket"]["key"]) == ("blocks", "WEB-1")
    both = cli(["ticket", "link", "WEB-2", "--blocked-by", "BACK-2", "--relates-to", "BACK-1",
                "--duplicates", "WEB-1"], env).data["data"]
    assert [(r["kind"], r["ticket"]["key"]) for r in both] == [
        ("blocked_by", "BACK-2"), ("relates_to", "BACK-1"), ("duplicates", "WEB-1")]
    cycle = cli(["ticket", "link", "WEB-1", "--blocks", "BACK-2"], env, check=False)
    assert cycle.returncode != 0
    assert "cycle: WEB-1 blocks BACK-2 blocks WEB-1" in cycle.stderr, cycle.stderr
    assert cli(["ticket", "link", "BACK-1"], env, check=False).returncode == 2
    listed = cli(["ticket", "links", "WEB-1", "--format", "plain"], env).stdout.split()
    assert listed == ["BACK-2", "WEB-2"]
    # sub-issues
    sub = cli(["ticket", "create", "--project", "BACK", "--title", "Sub", "--parent", "BACK-1"],
              env).data
    assert sub["parent_id"] == epic["id"]
    assert cli(["ticket", "update", "WEB-1", "--parent", "BACK-1"], env).data["parent_id"] \
        == epic["id"]
    assert cli(["ticket", "update", "WEB-2", "--parent", "WEB-1"], env).data["parent_id"] \
        == page["id"]
    refused = cli(["ticket", "update", "BACK-1", "--parent", "WEB-2"], env, check=False)
    assert "BACK-1 > WEB-1 > WEB-2 > BACK-1" in refused.stderr, refused.stderr
    got = cli(["ticket", "get", "BACK-1"], env).data
    assert got["progress"] == {"done": 0, "total": 2}
    assert [r["kind"] for r in got["relations"]] == ["relates_to"]
    table = cli(["ticket", "get", "WEB-1", "--format", "table"], env).stdout
    assert "blocked_by BACK-2 Login [Backlog]" in table and "duplicated_by WEB-2" in table
    tree = cli(["ticket", "tree", "BACK-1", "--format", "table"], env).stdout.splitlines()
    assert tree[0] == "BACK-1 Epic  Backlog  0/2"
    assert tree[1] == "├─ BACK-3 Sub  Backlog"  # by project, then number
    assert tree[2].startswith("└─ WEB-1 Login page xxx") and tree[2].endswith(
        "…  Backlog  0/1  blocked")
    assert tree[3] == "   └─ WEB-2 Docs  Backlog  blocked"
    assert max(len(line) for line in tree) == 80  # reads at 80 columns: the title gave way
    assert cli(["ticket", "tree", "BACK-1", "--format", "plain"], env).stdout == (
        "BACK-1\n  BACK-3\n  WEB-1\n    WEB-2\n")
    assert cli(["ticket", "tree", "BACK-1"], env).data["children"][1]["key"] == "WEB-1"
    # unlink one kind, then the rest; then there is nothing left to unlink
    gone = cli(["ticket", "unlink", "WEB-2", "WEB-1", "--kind", "duplicates"], env).data
    assert [(r["kind"], r["deleted"]) for r in gone["data"]] == [("duplicates", True)]
    assert cli(["ticket", "unlink", "BACK-2", "WEB-2"], env).data["data"][0]["kind"] == "blocks"
    missing = cli(["ticket", "unlink", "BACK-2", "WEB-2"], env, check=False)
    assert missing.returncode != 0 and "has no relation" in missing.stderr
    assert cli(["ticket", "update", "WEB-2", "--parent", "none"], env).data["parent_id"] is None
    assert cli(["ticket", "get", "WEB-1"], env).data["relations"][0]["kind"] == "blocked_by"
    assert "relations" not in cli(["ticket", "get", "BACK-3"], env).data
    assert login["key"] == "BACK-2" and docs["key"] == "WEB-2"
