"""docs/cli-reference.md, generated from the click command tree: every command, its
synopsis, flags and example. Written with the completions by `python -m alloy.cli.completions
--write`; tests/test_cli_completions.py fails when the checked-in copy is stale."""

from alloy.cli.usage import example, synopsis, walk

HEAD = """# CLI reference

<!-- Generated from the command tree by `python -m alloy.cli.completions --write`. Do not edit. -->

Every command accepts the global flags `--format json|table|plain` (default: `table` on a
terminal, `json` when piped; env `ALLOY_FORMAT`) and `--api-url URL` (env `ALLOY_API_URL`),
anywhere on the line. See [the CLI guide](cli.md) for output shapes, prompts, credentials and
exit codes.
"""


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _params(cmd) -> list[str]:
    rows = []
    for p in cmd.params:
        if getattr(p, "hidden", False) or p.name in ("help",):
            continue
        if p.param_type_name == "argument":
            name = f"`{(p.metavar or p.name.upper()).strip('[]')}`"
        else:
            name = ", ".join(f"`{o}`" for o in p.opts)
        notes = []
        if p.required:
            notes.append("required")
        default = p.default if not callable(p.default) else None
        if default not in (None, False, "", ()) and not p.required:
            notes.append(f"default `{default}`")
        choices = getattr(p.type, "choices", None)
        if choices:
            notes.append("one of " + ", ".join(f"`{c}`" for c in choices))
        text = _cell(getattr(p, "help", None) or "")
        rows.append(f"| {name} | {text}{' (' + '; '.join(notes) + ')' if notes else ''} |")
    return rows


def _body(cmd) -> str:
    text = (cmd.help or "").replace("\b\n", "").replace("\b", "")
    paras = [p.strip() for p in text.split("\n\n") if p.strip()]
    return "\n\n".join(" ".join(p.split()) for p in paras if not p.startswith("Example"))


def render(root) -> str:
    out = [HEAD]
    for path, cmd in walk(root):
        if not path:
            continue
        out.append(f"{'#' * min(len(path) + 1, 4)} alloy {' '.join(path)}\n")
        body = _body(cmd)
        if body:
            out.append(body + "\n")
        if hasattr(cmd, "commands"):
            subs = ", ".join(f"`{n}`" for n, c in cmd.commands.items() if not c.hidden)
            out.append(f"Commands: {subs}.\n")
            continue
        out.append(f"```\n{synopsis(path, cmd)}\n```\n")
        rows = _params(cmd)
        if rows:
            out.append("| Flag | Description |\n| --- | --- |\n" + "\n".join(rows) + "\n")
        ex = example(cmd)
        if ex:
            out.append(f"Example:\n\n```\n{ex}\n```\n")
    return "\n".join(out)


def text() -> str:
    from alloy.cli.main import command

    return render(command())
