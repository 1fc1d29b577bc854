"""Ask for what is missing — only when a person is at a terminal.

Interactive means stdin AND stdout are terminals (and ALLOY_NO_PROMPT is unset). Otherwise
nothing ever prompts: a missing value is a usage error (exit 2) naming the flag, one line.

The API the command groups use (all prompts import questionary/prompt_toolkit lazily):

    from alloy.cli import prompt

    title = prompt.require(title, "--title", lambda: prompt.text("Title"))
    project = prompt.require(project, "--project", lambda: prompt.pick_project(org_id))
    assignee = prompt.require(assignee, "--assignee-id", lambda: prompt.pick_user(org_id))
    priority = prompt.optional(priority, lambda: prompt.pick_priority(default="Medium"))
    minutes = prompt.require(duration, "--duration", lambda: int(prompt.text(
        "Duration (minutes)", validate=str.isdigit)))
    fields = prompt.multiselect("Fields to update", ["title", "status", "assignee"])
    prompt.confirm_destructive(f"Delete project {key}?", yes)   # --yes skips; scripts proceed

- `require(value, flag, ask)`: `value` if given (not None/""), else `ask()` on a terminal,
  else `UsageError("missing --flag ...")`.
- `optional(value, ask)`: like require, but off a terminal returns `value` (the server default).
- `text`, `confirm`, `select` (fuzzy: type any letters in order, Enter takes the best match),
  `multiselect` (checkboxes). Choices are strings or `(label, value)` pairs.
- Pickers fetch their choices through the client: `pick_org`, `pick_project`, `pick_user`,
  `pick_label` (multi=True for several), `pick_priority`, `pick_activity_type`, `pick_status`.
- `choices(op, label, value="id", **call_kwargs)`: any list operation as choices (pages).

Ctrl-C / Ctrl-D abandon the command (exit 130), never half-run it.
"""

import re
import sys
from collections.abc import Callable, Iterable

Choice = str | tuple[str, object]

def interactive() -> bool:
    from alloy.cli.session import settings

    if settings().cli.no_prompt:
        return False
    try:
        return sys.stdin.isatty() and sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def missing(flag: str):
    from alloy.cli.output import UsageError

    return UsageError(f"missing {flag} (not prompting: stdin/stdout is not a terminal)")


def require(value, flag: str, ask: Callable[[], object]):
    """`value` if given; else ask on a terminal; else fail naming `flag` (exit 2)."""
    if value is not None and value != "":
        return value
    if interactive():
        return ask()
    raise missing(flag)


def optional(value, ask: Callable[[], object]):
    """`value` if given; else ask on a terminal; else leave it to the default (None)."""
    if value is not None and value != "" or not interactive():
        return value
    return ask()


# --- plain prompts -------------------------------------------------------------------------

def _ask(question):
    answer = question.unsafe_ask()  # raises KeyboardInterrupt on Ctrl-C: exit 130
    if answer is None:
        raise KeyboardInterrupt
    return answer


def text(message: str, default: str | None = None, *, validate=None,
         secret: bool = False) -> str:
    """A line of text; empty is refused unless there is a default."""
    import questionary

    def check(value: str):
        if not value.strip() and default is None:
            return "required"
        if validate is not None and value.strip():
            ok = validate(value.strip())
            return True if ok is True or ok is None else (ok or "invalid")
        return True

    ask = questionary.password if secret else questionary.text
    answer = _ask(ask(f"{message}:", default=default or "", validate=check))
    return answer.strip() or (default or "")


def secret(message: str) -> str:
    """A hidden line (a password), taken as typed: spaces are part of it."""
    import questionary

    return _ask(questionary.password(f"{message}:", validate=lambda v: bool(v) or "required"))


def confirm(message: str, default: bool = False) -> bool:
    import questionary

    return bool(_ask(questionary.confirm(message, default=default)))


def confirm_destructive(message: str, yes: bool = False) -> None:
    """Every destructive command asks here: on a terminal only (stdin and stdout), `--yes`
    skips, and scripts or ALLOY_NO_PROMPT=1 proceed without asking, as the spec's pipelines
    expect. "No" (or Ctrl-C) aborts the command: exit 1, nothing deleted."""
    if yes or not interactive():
        return
    import typer

    typer.confirm(message, abort=True)


def _pairs(items: Iterable[Choice]) -> list[tuple[str, object]]:
    return [item if isinstance(item, tuple) else (str(item), item) for item in items]


def fuzzy_rank(query: str, labels: list[str]) -> list[str]:
    """Labels containing the query's characters in order, best first.

    Best = the tightest match (shortest span), then the earliest, then the shortest label.
    """
    q = query.strip().lower()
    if not q:
        return list(labels)
    pattern = re.compile(".*?".join(map(re.escape, q)))
    scored = []
    for index, label in enumerate(labels):
        low = label.lower()
        spans = [m.span() for m in _overlapping(pattern, low)]
        if spans:
            start, end = min(spans, key=lambda s: (s[1] - s[0], s[0]))
            exact = 0 if low == q else 1 if low.startswith(q) else 2
            scored.append((exact, end - start, start, len(label), index, label))
    return [s[-1] for s in sorted(scored)]


def _overlapping(pattern, text: str):
    for i in range(len(text)):
        m = pattern.match(text, i)
        if m:
            yield m


def select(message: str, items: Iterable[Choice], default: str | None = None):
    """Fuzzy selector: type to filter (letters in order), arrows to move, Enter to pick."""
    pairs = _pairs(items)
    if not pairs:
        from alloy.errors import NotFound

        raise NotFound(f"nothing to choose for {message.lower()}")
    labels = [label for label, _ in pairs]
    value_of = dict(pairs)

    import questionary
    from prompt_toolkit.completion import Completer, Completion

    class Fuzzy(Completer):
        def get_completions(self, document, complete_event):
            typed = document.text_before_cursor
            for label in fuzzy_rank(typed, labels)[:50]:
                yield Completion(label, start_position=-len(typed))

    def check(typed: str):
        if not typed.strip():
            return default is not None or "type to search, Enter to pick"
        return bool(fuzzy_rank(typed, labels)) or "no match"

    hint = f" (Enter: {default})" if default is not None else ""
    answer = _ask(questionary.autocomplete(f"{message}{hint}:", choices=labels,
                                           completer=Fuzzy(), validate=check))
    if not answer.strip() and default is not None:
        answer = default
    label = fuzzy_rank(answer, labels)[0]
    if label != answer:
        print(f"  → {label}", file=sys.stderr)
    return value_of[label]


def multiselect(message: str, items: Iterable[Choice]) -> list:
    """Checkboxes (space toggles, Enter confirms); returns the chosen values in order."""
    import questionary

    pairs = _pairs(items)
    chosen = _ask(questionary.checkbox(
        f"{message}:", choices=[questionary.Choice(label, value=i) for i, (label, _) in
                                enumerate(pairs)]))
    return [pairs[i][1] for i in chosen]


# --- choices fetched through the client ----------------------------------------------------

def choices(op: str, label: Callable, value: str = "id", *, pages: int = 10,
            **call) -> list[tuple[str, object]]:
    """Every row of a list operation (up to `pages` pages of 100) as (label, value) pairs:
    `label` is given the row (a Struct), `value` names its field."""
    from alloy.cli.common import run

    out, cursor = [], None
    query = dict(call.pop("query", None) or {})
    for _ in range(pages):
        page = run(op, query={**query, "limit": 100, "cursor": cursor}, **call)
        rows = page if isinstance(page, list) else page.items
        out.extend((label(r), getattr(r, value)) for r in rows)
        cursor = None if isinstance(page, list) else page.next_cursor
        if not cursor:
            break
    return out


def _org(org_id: str | None) -> str:
    from alloy.cli.session import current_org

    return current_org(org_id)


def pick_org() -> str:
    return select("Organization", choices("orgs.list", lambda o: f"{o.name} ({o.slug})"))


def pick_project(org_id: str | None = None) -> str:
    rows = choices("projects.list", lambda p: f"{p.key} — {p.name}",
                   query={"org_id": _org(org_id)})
    return select("Project", rows)


def pick_user(org_id: str | None = None, message: str = "User") -> str:
    rows = choices("orgs.list_members", lambda m: f"{m.display_name} <{m.email}>",
                   value="user_id", org_id=_org(org_id))
    return select(message, rows)


def pick_label(org_id: str | None = None, *, multi: bool = False):
    rows = choices("labels.list", lambda lb: lb.name, org_id=_org(org_id))
    return multiselect("Labels", rows) if multi else select("Label", rows)


def pick_priority(default: str | None = None) -> str:
    from alloy.domain.enums import PRIORITIES

    return select("Priority", PRIORITIES, default=default)


def pick_status(statuses: list[str] | None = None, default: str | None = None) -> str:
    """One of `statuses` (a workflow's), else of the Default workflow's."""
    from alloy.domain.enums import STATUSES

    return select("Status", statuses or STATUSES, default=default)


def pick_activity_type(default: str | None = None) -> str:
    from alloy.domain.enums import ACTIVITY_TYPES

    return select("Activity type", ACTIVITY_TYPES, default=default)
