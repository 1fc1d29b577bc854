"""tag set | get | delete | search — key/value tags on projects, tickets, users, teams and
time entries."""

import typer
from alloy.cli.common import call, page_query, show_list
from alloy.cli.output import as_list, emit
from alloy.cli.session import current_org

app = typer.Typer(no_args_is_help=True, help="Manage key-value tags on entities (projects, "
                  "tickets, users, teams, time entries).")

COLUMNS = ["key", "value", "entity_type", "updated_at", "entity_id"]
ORG_HELP = "Organization UUID (default: the current one)."
TYPE_HELP = "Entity type: project, ticket, user, team, time_entry."
ENTITY_HELP = ("Entity: a project key, ticket KEY-N, user email or name, team name, or "
               "any UUID.")


def _entity(entity_type: str, ref: str, org: str | None) -> str:
    from alloy.cli import refs

    return refs.entity_id(entity_type, ref, current_org(org))


def _pair(text: str) -> dict:
    from alloy.errors import Invalid

    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise Invalid(f"--tag wants KEY=VALUE, got '{text}'")
    return {"key": key.strip(), "value": value}


@app.command("set")
def set_(org: str = typer.Option(None, "--org", "--org-id", help=ORG_HELP),
         entity_type: str = typer.Option(..., "--entity-type", help=TYPE_HELP),
         entity_id: str = typer.Option(..., "--entity-id", help=ENTITY_HELP),
         tag: list[str] = typer.Option(..., "--tag", help="KEY=VALUE (repeatable).")) -> None:
    """Set one or more tags on an entity (upsert: creates or updates), Member.

    Example: alloy tag set --org $ORG_ID --entity-type project --entity-id $PROJECT_ID --tag env=production --tag team=backend
    """
    tags = [_pair(t) for t in tag]
    emit(as_list(call("tags.set", org_id=current_org(org), entity_type=entity_type,
                      entity_id=_entity(entity_type, entity_id, org), body={"tags": tags})),
         columns=COLUMNS, plain="key")


@app.command()
def get(org: str = typer.Option(None, "--org", "--org-id", help=ORG_HELP),
        entity_type: str = typer.Option(..., "--entity-type", help=TYPE_HELP),
        entity_id: str = typer.Option(..., "--entity-id", help=ENTITY_HELP)) -> None:
    """Get all tags on an entity.

    Example: alloy tag get --org $ORG_ID --entity-type ticket --entity-id $TICKET_ID --format json
    """
    emit(as_list(call("tags.get", org_id=current_org(org), entity_type=entity_type,
                      entity_id=_entity(entity_type, entity_id, org))),
         columns=COLUMNS, plain="key")


@app.command()
def delete(org: str = typer.Option(None, "--org", "--org-id", help=ORG_HELP),
           entity_type: str = typer.Option(..., "--entity-type", help=TYPE_HELP),
           entity_id: str = typer.Option(..., "--entity-id", help=ENTITY_HELP),
           key: str = typer.Option(..., "--key", help="Tag key to delete.")) -> None:
    """Delete a tag, by key, from an entity (Member).

    Example: alloy tag delete --org $ORG_ID --entity-type project --entity-id $PROJECT_ID --key env
    """
    entity_id = _entity(entity_type, entity_id, org)
    call("tags.delete", org_id=current_org(org), entity_type=entity_type, entity_id=entity_id,
         key=key)
    emit({"entity_type": entity_type, "entity_id": entity_id, "key": key, "deleted": True},
         plain="key")


@app.command()
def search(org: str = typer.Option(None, "--org", "--org-id", help=ORG_HELP),
           key: str = typer.Option(..., "--key", help="Tag key to search for."),
           value: str = typer.Option(..., "--value", help="Tag value to search for."),
           entity_type: str = typer.Option(None, "--entity-type", help="Only this entity type."),
           also: str = typer.Option(None, "--tag", help="More key:value pairs the entity must "
                                    "also carry, comma-separated (AND)."),
           cursor: str = typer.Option(None, "--cursor", help="Cursor from a previous page."),
           limit: int = typer.Option(None, "--limit", help="Results per page (default 20).")
           ) -> None:
    """Find entities carrying a tag key=value.

    Example: alloy tag search --org $ORG_ID --key env --value production --format json | jq -r '.data[].entity_id'
    """
    show_list("tags.search", COLUMNS, plain="entity_id", org_id=current_org(org),
              query={"key": key, "value": value, "entity_type": entity_type, "tag": also,
                     **page_query(cursor, limit)})
