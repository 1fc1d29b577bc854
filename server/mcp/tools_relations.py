"""Tools beyond the reference: ticket relations and sub-issues (issue 19).

Tickets are named as people name them (`SIDE-3`) or by UUID: `ticket_id`, `target_id` and
`parent_id` are resolved by the session like every ticket argument.
"""

from __future__ import annotations

from alloy.server.mcp.tooling import Call, P, Tool

from alloy.errors import NotFound

TICKET = P("ticket_id", "string", "UUID or key (SIDE-3) of the ticket", required=True)
KIND = P("kind", "string", "How this ticket relates to the other: blocks, blocked_by, "
         "relates_to, duplicates or duplicated_by", required=True,
         enum=("blocks", "blocked_by", "relates_to", "duplicates", "duplicated_by"))
LIST = Call("relations.list", query=("limit", "cursor"))
DELETE = Call("relations.delete")


def _unlink(session, args):
    """Remove the relations between two tickets (of `kind`, if given), or one by its id."""
    from alloy.domain.relations import RelationKind

    wanted = RelationKind.parse(args["kind"]) if args.get("kind") else None
    if args.get("relation_id"):
        gone = [args["relation_id"]]
    elif args.get("target_id"):
        gone = [r.id for r in session.call_all(LIST, args)
                if r.ticket.id == args["target_id"] and wanted in (None, r.kind)]
        if not gone:
            what = wanted.value.replace("_", " ") if wanted else "relation"
            raise NotFound(f"ticket {args['ticket_id']} has no {what} to {args['target_id']}")
    else:
        from alloy.errors import Invalid

        raise Invalid("give target_id or relation_id",
                      [{"field": "target_id", "message": "target_id or relation_id required"}])
    for relation_id in gone:
        session.run(DELETE, {**args, "relation_id": relation_id})
    return f"Removed {len(gone)} relation{'s' if len(gone) != 1 else ''}."


TOOLS = [
    Tool("link_tickets", "Relate a ticket to another ticket of the organization (any project): "
         "kind blocks, blocked_by, relates_to, duplicates or duplicated_by, read from ticket_id. "
         "A relation that would close a blocking cycle is refused, naming the cycle.",
         (TICKET, KIND, P("target_id", "string", "UUID or key (SIDE-4) of the other ticket",
                          required=True)),
         Call("relations.create", body=("kind", "target_id"))),
    Tool("unlink_tickets", "Remove relations of a ticket: those to target_id (only of kind, "
         "if given), or the one relation_id.",
         (TICKET, P("target_id", "string", "UUID or key of the related ticket"),
          P("kind", "string", "Only this kind of relation (e.g. blocks)"),
          P("relation_id", "string", "UUID of one relation (from list_relations)")),
         run=_unlink, needs=(LIST, DELETE)),
    Tool("list_relations", "List a ticket's relations from both sides; kind reads from this "
         "ticket (blocked_by is another ticket's blocks). Each names the other ticket briefly.",
         (TICKET, P("limit", "integer", "Max results per page (1–100, default 20)"),
          P("cursor", "string", "Pagination cursor from previous response")),
         LIST, shape="data"),
    Tool("set_parent", "Make a ticket a sub-issue of parent_id (same organization), or detach "
         "it with parent_id null. A ticket cannot become its own ancestor.",
         (TICKET, P("parent_id", "string", "UUID or key of the parent ticket, or null",
                    required=True, nullable=True)),
         Call("tickets.update", body=("parent_id",))),
    Tool("get_ticket_tree", "Get a ticket and its sub-issues, nested, each with status, "
         "progress (closed/total) and whether an open ticket blocks it.",
         (TICKET,), Call("relations.tree")),
]
