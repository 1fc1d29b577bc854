"""export | import: move data between Alloy instances, or in from Jira and Linear.

`alloy export` writes the AlloyExport JSON to stdout (or --output), or a SQLite file;
`alloy import` reads a file or stdin and posts it to the import operation. Jira and Linear
files are converted here, on the client, by the pure converters in `alloy.domain` (the API
then takes only one format); their warnings join the import's own.
"""

import sys
from pathlib import Path

import typer
from alloy.cli import complete
from alloy.cli.common import call, run, shown
from alloy.cli.output import emit, fmt

from alloy.errors import Invalid

SOURCES = ("alloy", "jira", "linear")


def _org(explicit: str | None) -> str | None:
    from alloy.cli.session import org_ref

    from alloy.client.connect import saved_org

    return saved_org(org_ref(explicit))


def _write(path: Path, content: bytes | str) -> None:
    try:
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    except OSError as e:
        print(f"error: cannot write {path}: {e.strerror}", file=sys.stderr)
        raise typer.Exit(1) from None
    print(f"wrote {path}", file=sys.stderr)


def export(
    org: str = typer.Option(None, "--org", metavar="ORG_ID", help="Organization: UUID, slug or name (default: the current one)."),
    project: str = typer.Option(None, "--project", metavar="KEY", autocompletion=complete.PROJECT, help="Export a single project by key."),
    export_format: str = typer.Option("json", "--export-format", metavar="FORMAT",
                                      help="Export format: json or sqlite."),
    output: Path = typer.Option(None, "--output", "-o", metavar="FILE",
                                help="Output file (sqlite default: alloy-export.db; "
                                     "json default: stdout)."),
) -> None:
    """Export project data as portable JSON (stdout) or a SQLite file.

    Uses human-readable keys (emails, project keys, label names) instead of UUIDs.

    Example: alloy export --project PROJ > proj-backup.json
    """
    if export_format not in ("json", "sqlite"):
        raise Invalid("--export-format must be json or sqlite",
                      [{"field": "export_format", "message": "expected json or sqlite"}])
    query = {"org_id": _org(org), "project": project, "format": export_format}
    data = call("io.export_data", query=query)
    if export_format == "sqlite":
        _write(output or Path("alloy-export.db"), data)
        return
    from alloy.cli.output import to_json

    text = to_json(data) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        _write(output, text)


def _read(file: Path | None):
    try:
        raw = sys.stdin.read() if file is None or str(file) == "-" else file.read_text()
    except FileNotFoundError:  # a wrong path is a wrong command line (exit 2)
        from alloy.cli.output import UsageError

        raise UsageError(f"no such file: {file}") from None
    except OSError as e:
        raise Invalid(f"cannot read {file}: {e.strerror}") from None
    import json  # here: `alloy --help` imports this module

    try:
        return json.loads(raw)
    except json.JSONDecodeError as e:
        where = "stdin" if file is None else str(file)
        raise Invalid(f"{where} is not valid JSON: {e.msg} (line {e.lineno})") from None


def import_(
    file: Path = typer.Argument(None, help="JSON export file (reads stdin if omitted)."),
    org: str = typer.Option(None, "--org", metavar="ORG_ID", help="Organization: UUID, slug or name (default: the current one)."),
    source: str = typer.Option("alloy", "--from", metavar="SOURCE",
                               help="Source format: alloy (native), jira or linear."),
    dry_run: bool = typer.Option(False, "--dry-run",
                                 help="Preview the import without making changes."),
    key_map: list[str] = typer.Option(None, "--key-map", metavar="SOURCE=KEY",
                                      help="Rename a Jira or Linear project key (Alloy keys "
                                      "are a letter and up to 9 letters or digits), e.g. "
                                      "SAMPLEPROJECT=SAMPLE; repeat or comma-separate."),
) -> None:
    """Import an Alloy, Jira or Linear JSON export into the organization (Admin).

    Example: alloy export --project PROJ | alloy import --dry-run
    """
    if source not in SOURCES:
        raise Invalid("--from must be alloy, jira or linear",
                      [{"field": "from", "message": "expected alloy, jira or linear"}])
    data = _read(file)
    warnings: list[str] = []
    if key_map and source == "alloy":
        raise Invalid("--key-map renames Jira or Linear keys: use it with --from jira or linear")
    if source != "alloy":
        from alloy.domain.imports_common import SourceError, parse_key_map
        from alloy.domain.imports_jira import convert_jira
        from alloy.domain.imports_linear import convert_linear

        try:
            data, warnings = (convert_jira if source == "jira" else convert_linear)(
                data, parse_key_map(key_map or []))
        except SourceError as e:
            raise Invalid(f"cannot import the {source} export: {e}") from None
        except (ValueError, TypeError, AttributeError, KeyError):
            raise Invalid(f"cannot import the {source} export: {file or 'stdin'} does not have "
                          f"the shape of a {source} export (see docs/import-export.md)") from None
    result = run("io.import_data", body=data,
                 query={"org_id": _org(org), "dry_run": dry_run or None})
    warnings += result.warnings
    if fmt() == "json":
        emit({**shown(result), "warnings": warnings})
        return
    for text in warnings:
        print(f"warning: {text}", file=sys.stderr)
    title = "Import preview (dry run, nothing written)" if dry_run else "Imported"
    emit({"data": [{"entity": k.removesuffix("_created"), "created": v}
                   for k, v in shown(result.summary).items()], "next_cursor": None,
          "has_more": False}, columns=["entity", "created"], plain="entity", title=title)


def register(root: typer.Typer) -> None:
    root.command("export")(export)
    root.command("import")(import_)
