"""`alloy usage [COMMAND]`: the whole CLI in under 1,500 tokens, for agents.

Generated from the click command tree, so it never drifts from the real flags: the overview
lists every group and its subcommands; `alloy usage ticket` (or `ticket create`) gives each
command's synopsis and the first "Example:" line of its docstring. Budget: 6,000 characters
(≈1,500 tokens at 4 characters a token); tests/test_cli_usage.py checks every group.

Also home of `click_tree(app)`, the click tree the CLI runs, which keeps each docstring's
"Example:" paragraph unwrapped in `--help`.
"""

import sys
import weakref

import typer

BUDGET = 6000  # characters, ≈ 1,500 tokens

_HEAD = """alloy: project management CLI (orgs, projects, tickets, sprints, time). Embedded on a local
SQLite file, or remote with --api-url URL / ALLOY_API_URL after `alloy auth login`.
Global flags (anywhere): --format json|table|plain (json when piped), --api-url URL.
JSON: objects as-is; lists {"data":[...],"next_cursor":..,"has_more":..} (page: --cursor).
Plain: one id per line, for xargs. Ticket refs: UUID, KEY-N, or N after `alloy project use KEY`.
Errors: one stderr line; exit 0 ok,1 error,2 usage,3 unauthorized,4 forbidden,5 not found,
6 conflict,7 validation,8 connection. Never prompts when stdin is not a terminal: pass flags.
"""

_TREE = weakref.WeakKeyDictionary()  # app -> its click command, while the app lives


def register_meta(app: typer.Typer) -> None:
    """Add the commands about the CLI itself: `completions` and `usage`."""
    from alloy.cli.completions import completions

    app.command("completions")(completions)
    app.command("usage")(usage)


def usage(command: list[str] = typer.Argument(None, metavar="[COMMAND]...",
                                              help="A group or command, e.g. `ticket create`.")
          ) -> None:
    """Print compact, agent-oriented help: commands, flags and one example each.

    Example: alloy usage ticket
    """
    from alloy.cli.main import command as root

    sys.stdout.write(render(root(), command or []))


def click_tree(app: typer.Typer):
    """Build (once) the click command for `app`, with "Example:" paragraphs kept verbatim."""
    if app not in _TREE:
        cmd = typer.main.get_command(app)
        for _, sub in walk(cmd):
            if sub.help and "Example" in sub.help:
                sub.help = _keep_examples(sub.help)
        for last in ("completions", "usage"):  # list the meta commands after the real ones
            if last in getattr(cmd, "commands", {}):
                cmd.commands[last] = cmd.commands.pop(last)
        _TREE[app] = cmd
    return _TREE[app]


def _keep_examples(text: str) -> str:
    import inspect

    paras = inspect.cleandoc(text).split("\n\n")
    return "\n\n".join("\b\n" + p if p.lstrip().startswith("Example") else p for p in paras)


def walk(cmd, path: tuple[str, ...] = ()):
    """Yield (path, command) for `cmd` and every visible command below it, depth first."""
    yield path, cmd
    for name, sub in getattr(cmd, "commands", {}).items():
        if not getattr(sub, "hidden", False):
            yield from walk(sub, (*path, name))


def summary(cmd) -> str:
    text = (cmd.help or "").replace("\b", "").strip()
    first = text.split("\n\n")[0].replace("\n", " ")
    return first.split(". ")[0].rstrip(".")


def example(cmd) -> str | None:
    for line in (cmd.help or "").splitlines():
        line = line.strip()
        if line.startswith("Example:"):
            return line[len("Example:"):].strip()
    return None


def synopsis(path: tuple[str, ...], cmd) -> str:
    parts = ["alloy", *path]
    for p in cmd.params:
        if getattr(p, "hidden", False) or p.name in ("help", "format", "api_url"):
            continue
        if p.param_type_name == "argument":
            meta = (p.metavar or p.name.upper()).strip("[]")
            word = meta if p.required else f"[{meta}]"
        else:
            flag = max(p.opts, key=len)
            if p.is_flag:
                word = flag
            else:
                choices = getattr(p.type, "choices", None)
                meta = "|".join(map(str, choices)) if choices else (p.metavar or _meta(flag))
                word = f"{flag} {meta}"
                if p.multiple:
                    word += "..."
            word = word if p.required else f"[{word}]"
        parts.append(word)
    return " ".join(parts)


def _meta(flag: str) -> str:
    return flag.lstrip("-").upper().replace("-", "_")


def render(root, words: list[str]) -> str:
    """The overview (no words) or the detail of one group or command."""
    from alloy.cli.output import UsageError

    node, path = root, ()
    for word in words:
        subs = getattr(node, "commands", {})
        if word not in subs:
            known = ", ".join(sorted(subs)) or "none"
            raise UsageError(f"unknown command {' '.join((*path, word))!r} (known: {known})")
        node, path = subs[word], (*path, word)
    text = _overview(root) if not path else _detail(path, node)
    return _fit(text)


def _overview(root) -> str:
    lines = [_HEAD, "Commands (`alloy usage GROUP` for flags and examples):"]
    for name, cmd in root.commands.items():
        if getattr(cmd, "hidden", False):
            continue
        subs = [f"{n} {{{','.join(c.commands)}}}" if hasattr(c, "commands") else n
                for n, c in getattr(cmd, "commands", {}).items() if not c.hidden]
        what = f" {'|'.join(subs)}" if subs else ""
        lines.append(f"  {name}{what}: {summary(cmd)}")
    return "\n".join(lines) + "\n"


def _detail(path: tuple[str, ...], node) -> str:
    lines = [f"{' '.join(('alloy', *path))}: {summary(node)}"] if hasattr(node, "commands") else []
    for sub_path, cmd in walk(node, path):
        if hasattr(cmd, "commands"):
            continue
        lines.append(f"{synopsis(sub_path, cmd)}\n  {summary(cmd)}")
        ex = example(cmd)
        if ex:
            lines.append(f"  e.g. {ex}")
    return "\n".join(lines) + "\n"


def _fit(text: str) -> str:
    """Keep within BUDGET: drop examples, then summaries, then cut, saying so."""
    if len(text) <= BUDGET:
        return text
    lines = [ln for ln in text.splitlines() if not ln.startswith("  e.g. ")]
    text = "\n".join(lines) + "\n"
    if len(text) <= BUDGET:
        return text
    note = "… (truncated: ask `alloy usage GROUP COMMAND` or `--help`)\n"
    return text[:BUDGET - len(note)].rsplit("\n", 1)[0] + "\n" + note
