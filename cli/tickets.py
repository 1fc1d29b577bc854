"""ticket create | list | get | update | batch-update | delete | batch-delete | activity.

(`link`, `unlink`, `links` and `tree` live in cli/links.py.)

Every ticket argument is a smart reference: a UUID, `KEY-N`, or a bare `N` in the project
chosen with `alloy project use` (see cli/refs.py).
"""

import typer
from alloy.cli import complete, refs
from alloy.cli.common import call, nothing_to_change, page_query, run, show_list, shown
from alloy.cli.output import as_list, emit, fmt

app = typer.Typer(no_args_is_help=True,
                  help="Create, list, update and manage tickets (UUID, KEY-N or N).")

_PROJECT = typer.Option(None, "--project", "--project-id", autocompletion=complete.PROJECT,
                        help="Project UUID or key (default: `alloy project use`).")
_COLUMNS = ["key", "title", "status", "priority", "assignee", "updated_at"]
_ASSIGNEE_HELP = "Assignee: user UUID, email or name"


def _assignee(help: str = _ASSIGNEE_HELP + "."):
    return typer.Option(None, "--assignee-id", "--assignee", help=help)


_REF = typer.Argument(..., metavar="ID", help="Ticket UUID, KEY-N, or N in the default project.")


def _sprint(ref: str | None, project: str | None = None) -> str | None:
    """`--sprint-id`: a sprint UUID, name or id prefix; `none` leaves the sprint."""
    ref = refs.none_or(ref)
    return refs.sprint_id(ref, project) if ref else ref


@app.command()
def create(
    project: str = _PROJECT,
    title: str = typer.Option(None, "--title", help="Ticket title."),
    description: str = typer.Option(None, "--description", help="Detailed description."),
    priority: str = typer.Option(None, "--priority", autocompletion=complete.PRIORITY,
                                 help="none, low, medium (default), high, urgent."),
    status: str = typer.Option(None, "--status", autocompletion=complete.STATUS, help="backlog (default), todo, in_progress, "
                               "in_review, done, cancelled, or a workflow status."),
    assignee_id: str = _assignee(),
    sprint_id: str = typer.Option(None, "--sprint-id", help="Sprint: UUID, name or id prefix."),
    parent: str = typer.Option(None, "--parent", help="Parent ticket, making this a sub-issue "
                               "(UUID, KEY-N or N)."),
    reporter_id: str = typer.Option(None, "--reporter-id", help="Deprecated, ignored: the "
                                    "reporter is the logged-in user."),
) -> None:
    """Create a ticket; it gets the project's next number (KEY-N).

    Example: TICKET_ID=$(alloy ticket create --project $PROJECT_ID --title "Add caching" --format json | jq -r '.id')
    """
    from alloy.cli import prompt

    title = prompt.require(title, "--title", lambda: prompt.text("Title"))
    pid = refs.project_id(project)
    if priority is None:
        priority = prompt.optional(None, prompt.pick_priority) or "medium"
    body = {"title": title, "description": description, "priority": priority,
            "status": status, "assignee_id": refs.user_id(assignee_id, pid),
            "sprint_id": _sprint(sprint_id, pid),
            "parent_id": parent and refs.ticket_id(parent), "reporter_id": reporter_id}
    result = run("tickets.create", project_id=pid,
                 body={k: v for k, v in body.items() if v is not None})
    refs.warn(result)
    emit(shown(result), plain="key")


@app.command("list")
def list_(project: str = _PROJECT,
          status: str = typer.Option(None, "--status", autocompletion=complete.STATUS, help="Filter by status "
                                     "(comma-separated, e.g. todo,in_progress)."),
          priority: str = typer.Option(None, "--priority", autocompletion=complete.PRIORITY, help="Filter by priority."),
          assignee_id: str = _assignee("Filter by assignee: user UUID, email or name."),
          sprint_id: str = typer.Option(None, "--sprint-id", help="Filter by sprint (UUID, "
                                        "name or id prefix)."),
          cursor: str = typer.Option(None, "--cursor", help="Cursor from a previous page."),
          limit: int = typer.Option(None, "--limit", help="Results per page (default 20).")
          ) -> None:
    """List a project's tickets.

    Example: alloy ticket list --status todo,in_progress --format json | jq -r '.data[].key'
    """
    pid = refs.project_id(project)
    show_list("tickets.list", _COLUMNS, plain="key", people={"assignee_id": "assignee"},
              project_id=pid,
              query={"status": status, "priority": priority,
                     "assignee_id": refs.user_id(assignee_id, pid),
                     "sprint_id": sprint_id and refs.sprint_id(sprint_id, pid),
                     **page_query(cursor, limit)})


@app.command()
def get(ref: str = _REF) -> None:
    """Show a ticket by UUID, KEY-N or bare number, with its relations and sub-issue progress.

    Example: alloy ticket get BACK-42
    """
    from alloy.cli.links import with_relations

    emit(with_relations(refs.resolve(ref)), plain="key")


@app.command()
def update(
    ref: str = _REF,
    title: str = typer.Option(None, "--title", help="New title."),
    description: str = typer.Option(None, "--description", help="New description, or none."),
    status: str = typer.Option(None, "--status", autocompletion=complete.STATUS, help="New status."),
    priority: str = typer.Option(None, "--priority", autocompletion=complete.PRIORITY, help="none, low, medium, high, urgent."),
    assignee_id: str = _assignee(_ASSIGNEE_HELP + ", or none."),
    sprint_id: str = typer.Option(None, "--sprint-id",
                                  help="Sprint (UUID, name or id prefix), or none."),
    parent: str = typer.Option(None, "--parent", help="Parent ticket (UUID, KEY-N or N), or "
                               "none to detach."),
    add_label: list[str] = typer.Option(None, "--add-label", help="Label name or UUID to add "
                                        "(repeatable)."),
    remove_label: list[str] = typer.Option(None, "--remove-label", help="Label name or UUID to remove "
                                           "(repeatable)."),
) -> None:
    """Change a ticket's fields (Member) and add or remove labels.

    Example: alloy ticket update 42 --assignee-id $USER_ID --add-label $LABEL_ID
    """
    flags = {"title": title, "description": description, "status": status,
             "priority": priority, "assignee_id": assignee_id, "sprint_id": sprint_id}
    body = {k: v for k, v in flags.items() if v is not None}
    for nullable in ("description", "assignee_id"):
        if nullable in body:
            body[nullable] = refs.none_or(body[nullable])
    if "sprint_id" in body:
        body["sprint_id"] = _sprint(sprint_id)
    if parent is not None:
        body["parent_id"] = refs.none_or(parent) and refs.ticket_id(parent)
    if not body and not add_label and not remove_label:
        body = _ask_fields()  # on a terminal: tick the fields, then give their values
    if not body and not add_label and not remove_label:
        raise nothing_to_change("ticket update", "--title, --status, --priority, --assignee, "
                                "--description, --sprint-id or --add-label")
    if refs.is_person(body.get("assignee_id")):  # looked up in the ticket's org
        found = refs.resolve(ref)
        tid, body["assignee_id"] = found.id, refs.user_id(body["assignee_id"], found.project_id)
    else:
        tid = refs.ticket_id(ref)
    result = run("tickets.update", ticket_id=tid, body=body) if body else None
    for label in add_label or []:
        call("labels.add_to_ticket", ticket_id=tid, label_id=label)
    for label in remove_label or []:
        call("labels.remove_from_ticket", ticket_id=tid, label_id=label)
    if result is None:
        result = run("tickets.get", ticket_id=tid)
    refs.warn(result)
    emit(shown(result), plain="key")


def _ask_fields() -> dict:
    """`ticket update` with no flag on a terminal: which fields, then each value (docs/cli.md
    "Interactive prompts"); off a terminal, nothing (the caller says what to give)."""
    from alloy.cli import prompt

    if not prompt.interactive():
        return {}
    ask = {"title": lambda: prompt.text("Title"), "status": prompt.pick_status,
           "priority": prompt.pick_priority, "assignee_id": prompt.pick_user,
           "description": lambda: prompt.text("Description")}
    fields = prompt.multiselect("Fields to change", [(f.removesuffix("_id"), f) for f in ask])
    return {f: ask[f]() for f in fields}


@app.command("batch-update")
def batch_update(
    ticket_ids: str = typer.Option(..., "--ticket-ids", help="Comma-separated ticket ids "
                                   "(UUIDs or KEY-N)."),
    title: str = typer.Option(None, "--title", help="New title for all tickets."),
    description: str = typer.Option(None, "--description", help="New description, or none."),
    status: str = typer.Option(None, "--status", autocompletion=complete.STATUS, help="New status for all tickets."),
    priority: str = typer.Option(None, "--priority", autocompletion=complete.PRIORITY, help="none, low, medium, high, urgent."),
    assignee_id: str = _assignee(_ASSIGNEE_HELP + ", or none."),
    sprint_id: str = typer.Option(None, "--sprint-id",
                                  help="Sprint (UUID, name or id prefix), or none."),
) -> None:
    """Apply the same changes to several tickets at once (Member).

    Example: alloy ticket batch-update --ticket-ids "$ID1,$ID2" --status Done
    """
    flags = {"title": title, "description": description, "status": status,
             "priority": priority, "assignee_id": assignee_id, "sprint_id": sprint_id}
    body = {k: refs.none_or(v) if k in ("description", "assignee_id") else v
            for k, v in flags.items() if v is not None}
    if "sprint_id" in body:
        body["sprint_id"] = _sprint(sprint_id)
    if body.get("assignee_id"):
        body["assignee_id"] = refs.user_id(body["assignee_id"])
    if not body:
        raise nothing_to_change("ticket batch-update", "--title, --status, --priority, "
                                "--assignee, --description or --sprint-id")
    result = run("tickets.batch_update", body={"ticket_ids": refs.ticket_ids(ticket_ids), **body})
    refs.warn(result)
    emit(shown(result), plain="updated")


@app.command()
def delete(ref: str = _REF,
           cascade: bool = typer.Option(False, "--cascade", help="Also delete its comments."),
           dry_run: bool = typer.Option(False, "--dry-run", help="Only show what would be "
                                        "deleted."),
           yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation.")
           ) -> None:
    """Delete a ticket (Admin); refused while it has comments unless --cascade.

    Example: alloy ticket delete BACK-42 --cascade --dry-run
    """
    found = refs.resolve(ref)
    tid = found.id
    if not dry_run:
        from alloy.cli.prompt import confirm_destructive

        confirm_destructive(f"Delete ticket {found.key}?", yes)
    result = call("tickets.delete", ticket_id=tid, query={"cascade": cascade,
                                                          "dry_run": dry_run})
    emit(result if result is not None else {"id": tid, "key": found.key, "deleted": True},
         plain="key")


@app.command("batch-delete")
def batch_delete(ticket_ids: str = typer.Option(..., "--ticket-ids",
                                                help="Comma-separated ticket ids."),
                 cascade: bool = typer.Option(False, "--cascade", help="Also delete comments."),
                 dry_run: bool = typer.Option(False, "--dry-run", help="Only report."),
                 yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask.")) -> None:
    """Delete several tickets (Admin); ones with dependents are reported as blocked.

    Example: alloy ticket batch-delete --ticket-ids "$ID1,$ID2" --cascade --dry-run
    """
    ids = refs.ticket_ids(ticket_ids)
    if not dry_run:
        from alloy.cli.prompt import confirm_destructive

        confirm_destructive(f"Delete {len(ids)} tickets?", yes)
    emit(call("tickets.batch_delete", body={"ticket_ids": ids, "cascade": cascade,
                                            "dry_run": dry_run}))


@app.command()
def activity(ref: str = _REF, cursor: str = typer.Option(None, "--cursor"),
             limit: int = typer.Option(None, "--limit")) -> None:
    """Show a ticket's history (who changed what, from the audit log).

    Example: alloy ticket activity BACK-42 --format json | jq '.data[].payload.changes'
    """
    from alloy.actor import via_label

    page = run("tickets.activity", ticket_id=refs.ticket_id(ref), query=page_query(cursor, limit))
    listing = as_list(shown(page))
    if fmt() != "json":  # JSON keeps the credential whole; a table shows it in a few words
        from alloy.cli.common import member_names

        names = member_names() if fmt() == "table" else {}
        for item, row in zip(page.items, listing["data"], strict=True):
            row["actor"] = names.get(item.actor, item.actor)
            row["via"] = via_label(shown(item.via))
            row["line"] = f"{item.type}\t{row['via']}"
    emit(listing, columns=["timestamp", "type", "actor", "via"], plain="line")
