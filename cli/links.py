"""ticket link | unlink | links | tree: relations and sub-issues, commands of the `ticket` group.

`register(group)` attaches them to the `ticket` Typer group (cli/tickets.py owns it);
`ticket get` shows a ticket's relations with `with_relations`.
"""

import typer
from alloy.cli import refs
from alloy.cli.common import run, shown
from alloy.cli.output import emit, fmt

_REF = typer.Argument(..., metavar="ID", help="Ticket UUID, KEY-N, or N in the default project.")
# flag -> the kind it asks for, read from the ticket named first
KINDS = {"--blocks": "blocks", "--blocked-by": "blocked_by", "--relates-to": "relates_to",
         "--duplicates": "duplicates"}


def _flag(name: str, what: str):
    return typer.Option(None, name, help=f"{what} (UUID, KEY-N or N; repeatable).")


def relations(ticket_id: str) -> list:
    """Every relation of a ticket (`Relation` Structs), both directions (pages followed)."""
    out, cursor = [], None
    while True:
        page = run("relations.list", ticket_id=ticket_id, query={"limit": 100, "cursor": cursor})
        out += page.items
        cursor = page.next_cursor
        if not page.has_more or not cursor:
            return out


def _line(rel) -> str:
    """`blocked_by WEB-3 Fix login [Done]`: a relation as one line of a table."""
    other = rel.ticket
    return f"{rel.kind.value} {other.key} {other.title} [{other.status}]"


def _rows(rels: list) -> list[dict]:
    return [{"id": r.id, "kind": r.kind.value, "ticket": r.ticket.key,
             "title": r.ticket.title, "status": r.ticket.status} for r in rels]


def with_relations(ticket) -> dict:
    """`ticket get`: the ticket (a `Ticket`) as data, with its `relations` (when it has any)
    and, for a table, its sub-issues' progress as `done/total`."""
    rels = relations(ticket.id)
    data = shown(ticket)
    if rels:
        data["relations"] = shown(rels) if fmt() == "json" else [_line(r) for r in rels]
    if fmt() != "json" and ticket.progress:
        data["progress"] = f"{ticket.progress.done}/{ticket.progress.total} done"
    return data


def link(ref: str = _REF,
         blocks: list[str] = _flag("--blocks", "Tickets this one blocks"),
         blocked_by: list[str] = _flag("--blocked-by", "Tickets blocking this one"),
         relates_to: list[str] = _flag("--relates-to", "Tickets related to this one"),
         duplicates: list[str] = _flag("--duplicates", "Tickets this one duplicates")) -> None:
    """Relate a ticket to others, in any project of its organization (Member).

    A blocking cycle is refused, naming it.

    Example: alloy ticket link BACK-1 --blocks BACK-2
    """
    wanted = [(kind, other) for kind, others in zip(
        KINDS.values(), (blocks, blocked_by, relates_to, duplicates), strict=True)
        for other in others or []]
    if not wanted:
        from alloy.cli.output import UsageError

        raise UsageError(f"give a relation: {', '.join(KINDS)} (see `alloy ticket link --help`)")
    tid = refs.ticket_id(ref)
    made = [run("relations.create", ticket_id=tid,
                body={"kind": kind, "target_id": refs.ticket_id(other)})
            for kind, other in wanted]
    if fmt() == "json":
        emit(shown(made[0]) if len(made) == 1 else {"data": shown(made), "next_cursor": None,
                                                    "has_more": False})
    else:
        emit({"data": _rows(made), "next_cursor": None, "has_more": False},
             columns=["kind", "ticket", "title", "status"], plain="id", main="title")


def unlink(ref: str = _REF,
           other: str = typer.Argument(..., metavar="OTHER", help="The related ticket."),
           kind: str = typer.Option(None, "--kind", help="Only this relation: blocks, "
                                    "blocked_by, relates_to, duplicates or duplicated_by.")
           ) -> None:
    """Remove the relations between two tickets (or only those of --kind) (Member).

    Example: alloy ticket unlink BACK-1 BACK-2 --kind blocks
    """
    from alloy.domain.relations import RelationKind
    from alloy.errors import NotFound

    tid, oid = refs.ticket_id(ref), refs.ticket_id(other)
    wanted = RelationKind.parse(kind).value if kind else None
    gone = [r for r in relations(tid)
            if r.ticket.id == oid and wanted in (None, r.kind.value)]
    if not gone:
        raise NotFound(f"{ref} has no {wanted or 'relation'} to {other}".replace("_", " "))
    for rel in gone:
        run("relations.delete", ticket_id=tid, relation_id=rel.id)
    emit({"data": [{**row, "deleted": True} for row in _rows(gone)], "next_cursor": None,
          "has_more": False}, columns=["kind", "ticket", "title", "deleted"], plain="id",
         main="title")


def links(ref: str = _REF) -> None:
    """List a ticket's relations from both sides (`blocked_by` is another's `blocks`).

    Example: alloy ticket links BACK-1 --format json | jq -r '.data[] | "\\(.kind) \\(.ticket.key)"'
    """
    rels = relations(refs.ticket_id(ref))
    page = {"data": shown(rels) if fmt() == "json" else _rows(rels), "next_cursor": None,
            "has_more": False}
    emit(page, columns=["kind", "ticket", "title", "status"], plain="ticket", main="title")


def _draw(node, width: int, prefix: str = "", last: bool = True, top: bool = True
          ) -> list[str]:
    """The tree (a `TicketNode`) as lines no wider than `width`: titles give way, keys and
    states do not."""
    branch = "" if top else prefix + ("└─ " if last else "├─ ")
    tail = f"  {node.status}"
    if node.progress:
        tail += f"  {node.progress.done}/{node.progress.total}"
    if node.blocked:
        tail += "  blocked"
    head = f"{branch}{node.key} "
    room = max(width - len(head) - len(tail), 1)
    title = node.title if len(node.title) <= room else node.title[:room - 1] + "…"
    lines = [f"{head}{title}{tail}"]
    below = "" if top else prefix + ("   " if last else "│  ")
    kids = node.children
    for i, kid in enumerate(kids):
        lines += _draw(kid, width, below, i == len(kids) - 1, False)
    return lines


def _keys(node, depth: int = 0) -> list[str]:
    return ["  " * depth + node.key] + [k for kid in node.children for k in _keys(kid, depth + 1)]


def tree(ref: str = _REF) -> None:
    """Show a ticket and its sub-issues, nested, with status, progress and blocked marks.

    Example: alloy ticket tree BACK-1
    """
    import sys

    node = run("relations.tree", ticket_id=refs.ticket_id(ref))
    if fmt() == "json":
        emit(shown(node))
    elif fmt() == "plain":
        sys.stdout.write("".join(f"{k}\n" for k in _keys(node)))
    else:
        from alloy.cli.output import console, printable

        width = console().width
        width = width if width < 10_000 else 80
        sys.stdout.write("".join(f"{printable(line)}\n" for line in _draw(node, width)))


def register(group: typer.Typer) -> None:
    group.command("link")(link)
    group.command("unlink")(unlink)
    group.command("links")(links)
    group.command("tree")(tree)
