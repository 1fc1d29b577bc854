"""workflow create | list | show (get) | update | delete."""

import typer
from alloy.cli import complete
from alloy.cli.common import call, page_query, run, shown
from alloy.cli.output import emit, fmt
from alloy.cli.prompt import confirm_destructive
from alloy.cli.session import current_org

app = typer.Typer(no_args_is_help=True,
                  help="Define custom workflows with statuses and allowed transitions.")


def _workflow(ref: str) -> str:
    """A workflow by UUID or name, in the current organization."""
    from alloy.cli.refs import named_id

    return named_id("workflow", ref)


def _json_list(text: str | None, flag: str):
    """Parse a --statuses/--transitions JSON array, or explain what is wrong with it."""
    from alloy.errors import Invalid

    if text is None:
        return None
    import json  # here: `alloy --help` imports this module

    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        raise Invalid(f"{flag} is not valid JSON: {e.msg}",
                      [{"field": flag, "message": "expected a JSON array"}]) from None
    if not isinstance(value, list):
        raise Invalid(f"{flag} must be a JSON array", [{"field": flag, "message": "not an array"}])
    return value


def _show(workflow) -> None:
    """A `Workflow`. Table: the header fields, then statuses in order and the allowed
    transitions."""
    if fmt() != "table":
        emit(shown(workflow), plain="id")
        return
    emit({"id": workflow.id, "name": workflow.name, "enforcement": workflow.enforcement,
          "is_default": workflow.is_default, "updated_at": workflow.updated_at})
    emit({"data": [{"#": i + 1, **shown(s)} for i, s in enumerate(workflow.statuses)],
          "next_cursor": None, "has_more": False}, columns=["#", "name", "category"])
    pairs, n = shown(workflow.transitions), len(workflow.statuses)
    if not pairs:
        print("transitions: none defined")
    elif len(pairs) == n * (n - 1):
        print("transitions: any status to any other")
    else:
        emit({"data": pairs, "next_cursor": None, "has_more": False}, columns=["from", "to"])


@app.command()
def create(
    name: str = typer.Option(..., "--name", help="Workflow name."),
    statuses: str = typer.Option(None, "--statuses", help='JSON array: [{"name":"Todo",'
                                 '"category":"todo"}, ...] (categories: backlog, todo, '
                                 'in_progress, in_review, done, cancelled; default: the '
                                 'built-in Backlog..Cancelled).'),
    transitions: str = typer.Option("[]", "--transitions",
                                    help='JSON array: [{"from":"Todo","to":"Done"}, ...].'),
    enforcement: str = typer.Option("none", "--enforcement", autocompletion=complete.ENFORCEMENT, help="none, warn or strict."),
    org_id: str = typer.Option(None, "--org-id", "--org", help="Organization (default: current)."),
) -> None:
    """Create a workflow (Admin).

    Example: alloy workflow create --org-id $ORG_ID --name "Standard" \\
      --statuses '[{"name":"Backlog","category":"todo"},{"name":"Done","category":"done"}]' \\
      --transitions '[{"from":"Backlog","to":"Done"}]'
    """
    if statuses is None:  # the guides' shortcut names no statuses: start from the built-in ones
        import json

        from alloy.domain.enums import DEFAULT_STATUSES

        statuses = json.dumps([{"name": n, "category": c} for n, c in DEFAULT_STATUSES])
    body = {"name": name, "statuses": _json_list(statuses, "--statuses"),
            "transitions": _json_list(transitions, "--transitions"), "enforcement": enforcement}
    _show(run("workflows.create", org_id=current_org(org_id), body=body))


@app.command("list")
def list_(org_id: str = typer.Option(None, "--org-id", "--org", help="Organization (default: current)."),
          cursor: str = typer.Option(None, "--cursor", help="Pagination cursor."),
          limit: int = typer.Option(None, "--limit", help="Results per page (max 100).")) -> None:
    """List an organization's workflows (the Default first).

    Example: alloy workflow list --org-id $ORG_ID --format json | jq -r '.data[].name'
    """
    page = run("workflows.list", org_id=current_org(org_id), query=page_query(cursor, limit))
    from alloy.cli.output import as_list

    listing = as_list(shown(page))
    if fmt() == "table":
        for w, row in zip(page.items, listing["data"], strict=True):
            row["statuses"] = " > ".join(s.name for s in w.statuses)
    emit(listing, columns=["name", "enforcement", "statuses", "id"], main="statuses",
         plain="id")


@app.command()
def show(workflow_id: str = typer.Argument(..., metavar="ID", help="Workflow name or UUID.")) -> None:
    """Show a workflow with its statuses and transitions.

    Example: alloy workflow show $WORKFLOW_ID --format json
    """
    _show(run("workflows.get", workflow_id=_workflow(workflow_id)))


@app.command("get", hidden=True)
def get(workflow_id: str = typer.Argument(..., metavar="ID", help="Workflow name or UUID.")) -> None:
    """Same as `workflow show`.

    Example: alloy workflow get $WORKFLOW_ID
    """
    show(workflow_id)


@app.command()
def update(
    workflow_id: str = typer.Argument(..., metavar="ID", help="Workflow name or UUID."),
    name: str = typer.Option(None, "--name", help="New name."),
    statuses: str = typer.Option(None, "--statuses", help="Replacement JSON array of statuses."),
    transitions: str = typer.Option(None, "--transitions",
                                    help="Replacement JSON array of transitions."),
    enforcement: str = typer.Option(None, "--enforcement", autocompletion=complete.ENFORCEMENT, help="none, warn or strict."),
) -> None:
    """Rename a workflow, change enforcement, or replace its statuses/transitions (Admin).

    Example: alloy workflow update $WORKFLOW_ID --name "Engineering Flow" --enforcement strict
    """
    body = {"name": name, "statuses": _json_list(statuses, "--statuses"),
            "transitions": _json_list(transitions, "--transitions"), "enforcement": enforcement}
    body = {k: v for k, v in body.items() if v is not None}
    _show(run("workflows.update", workflow_id=_workflow(workflow_id), body=body))


@app.command()
def delete(workflow_id: str = typer.Argument(..., metavar="ID", help="Workflow name or UUID."),
           yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation.")
           ) -> None:
    """Delete a workflow no project uses (Admin).

    Example: alloy workflow delete $WORKFLOW_ID --yes
    """
    confirm_destructive(f"Delete workflow {workflow_id}?", yes)
    workflow_id = _workflow(workflow_id)
    call("workflows.delete", workflow_id=workflow_id)
    emit({"id": workflow_id, "deleted": True}, plain="id")



def _check() -> None:
    from alloy.cli.check import check  # its own module: the rule's answer, not a workflow's

    app.command("check")(check)


_check()
