"""A ticket's relations and sub-issues as the detail view shows them, and the tickets the
`o` key can jump to. Pure rendering: the data comes from `alloy.tui.links` (in a worker)."""

from __future__ import annotations

from rich.text import Text

from alloy.domain.display import printable

BLOCKED = "⊘"  # marks a blocked ticket in the list and on the board
_READ = {"blocks": "blocks", "blocked_by": "blocked by", "relates_to": "relates to",
         "duplicates": "duplicates", "duplicated_by": "duplicated by"}


def _line(out: Text, prefix: str, ref: dict, note: str = "") -> None:
    mark = "✓ " if ref.get("closed") else "  "
    out.append(f"{prefix}{mark}", style="dim")
    out.append(f"{ref['key']} ", style="bold")
    out.append(f"{printable(ref['title'])} ")
    out.append(f"[{printable(ref['status'])}]{note}\n", style="dim")


def render_links(links: dict | None) -> Text:
    """Parent, relations and sub-issues (with progress); empty for a ticket with none."""
    out = Text()
    if not links or not (links.get("parent") or links.get("relations") or
                         links.get("children")):
        return out
    out.append("\nRelations\n", style="bold")
    out.append("─" * 36 + "\n")
    if links.get("parent"):
        _line(out, f"{'sub-issue of':<14}", links["parent"])
    for r in links.get("relations") or []:
        _line(out, f"{_READ.get(r['kind'], r['kind']):<14}", r["ticket"])
    children = links.get("children") or []
    if children:
        progress = links.get("progress") or {}
        out.append(f"\nSub-issues {progress.get('done', 0)}/{progress.get('total', 0)} done\n",
                   style="bold")
        out.append("─" * 36 + "\n")
        for c in children:
            _line(out, "", c, f" {BLOCKED} blocked" if c.get("blocked") else "")
    return out


def targets(links: dict) -> list[tuple[str, str]]:
    """[(label, ticket id)] of every ticket the detail names: parent, related, sub-issues."""
    out = []
    if links.get("parent"):
        p = links["parent"]
        out.append((f"parent        {p['key']}  {printable(p['title'])}", p["id"]))
    for r in links.get("relations") or []:
        t = r["ticket"]
        out.append((f"{_READ.get(r['kind'], r['kind']):<14}{t['key']}  {printable(t['title'])}",
                    t["id"]))
    for c in links.get("children") or []:
        out.append((f"{'sub-issue':<14}{c['key']}  {printable(c['title'])}", c["id"]))
    return out
