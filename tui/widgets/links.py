"""A ticket's relations and sub-issues as the detail view shows them, and the tickets the
`o` key can jump to. Pure rendering: the data comes from `alloy.tui.links` (in a worker)."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from rich.text import Text

from alloy.domain.display import printable

if TYPE_CHECKING:
    from alloy.domain.relations import Relation, TicketNode
    from alloy.domain.work import Progress, Ticket

BLOCKED = "⊘"  # marks a blocked ticket in the list and on the board
_READ = {"blocks": "blocks", "blocked_by": "blocked by", "relates_to": "relates to",
         "duplicates": "duplicates", "duplicated_by": "duplicated by"}


@dataclasses.dataclass
class Links:
    """A ticket's links as the detail shows them (read by `alloy.tui.links.fetch`)."""

    relations: list[Relation]
    children: list[TicketNode]  # its sub-issues
    progress: Progress | None  # of its sub-issues
    parent: Ticket | None


def _kind(relation: Relation) -> str:
    return _READ.get(relation.kind.value, relation.kind.value)


def _line(out: Text, prefix: str, ref: Ticket | TicketNode, closed: bool,
          note: str = "") -> None:
    out.append(f"{prefix}{'✓ ' if closed else '  '}", style="dim")
    out.append(f"{ref.key} ", style="bold")
    out.append(f"{printable(ref.title)} ")
    out.append(f"[{printable(ref.status)}]{note}\n", style="dim")


def render_links(links: Links | None) -> Text:
    """Parent, relations and sub-issues (with progress); empty for a ticket with none."""
    out = Text()
    if not links or not (links.parent or links.relations or links.children):
        return out
    out.append("\nRelations\n", style="bold")
    out.append("─" * 36 + "\n")
    if links.parent:
        _line(out, f"{'sub-issue of':<14}", links.parent, closed=False)
    for r in links.relations:
        _line(out, f"{_kind(r):<14}", r.ticket, r.ticket.closed)
    if links.children:
        done, total = (links.progress.done, links.progress.total) if links.progress else (0, 0)
        out.append(f"\nSub-issues {done}/{total} done\n", style="bold")
        out.append("─" * 36 + "\n")
        for c in links.children:
            _line(out, "", c, c.closed, f" {BLOCKED} blocked" if c.blocked else "")
    return out


def targets(links: Links) -> list[tuple[str, str]]:
    """[(label, ticket id)] of every ticket the detail names: parent, related, sub-issues."""
    out = []
    if links.parent:
        p = links.parent
        out.append((f"parent        {p.key}  {printable(p.title)}", p.id))
    for r in links.relations:
        t = r.ticket
        out.append((f"{_kind(r):<14}{t.key}  {printable(t.title)}", t.id))
    for c in links.children:
        out.append((f"{'sub-issue':<14}{c.key}  {printable(c.title)}", c.id))
    return out
