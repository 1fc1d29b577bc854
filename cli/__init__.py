"""The `alloy` command: a Typer app, one module per command group, output for people and jq."""
