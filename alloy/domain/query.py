"""The search query language, parsed in one place for every face (pure: no I/O, cheap import).

    login "session expired" is:open priority:>=high -label:wontfix assignee:@me sort:updated

Free words and `"exact phrases"` match title, description and comments; `word*` matches a
prefix. `name:value` tokens are qualifiers (QUALIFIERS); a leading `-` negates a word, a
phrase or any qualifier but `sort:`. Values may be quoted (`label:"needs review"`) and several
values comma-separated mean any of them (`status:todo,inprogress`). A bad token raises
`Invalid` whose message names it in plain words; what the database must resolve (a project
key, an email) is checked by `alloy.services.search`.
"""

from __future__ import annotations

import dataclasses
import re

from alloy.domain.work import MAX_QUERY_LENGTH as MAX_LENGTH
from alloy.domain.work import SearchQuery  # noqa: F401 - the op's query, named here too
from alloy.errors import Invalid

MAX_TOKENS = 50

HAS = ("assignee", "sprint", "label", "parent", "children", "comments")
SORTS = ("relevance", "created", "updated", "priority", "number")
QUALIFIERS = ("is", "status", "priority", "assignee", "label", "project", "sprint",
              "created", "updated", "tag", "has", "no", "blocked", "sort")
COMPARED = ("priority", "created", "updated")  # take >, >=, <, <= before the value
_OPS = (">=", "<=", ">", "<", "=")
_QUALIFIER = re.compile(r"^(-?)([A-Za-z_]+):(.*)$", re.DOTALL)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_AGE = re.compile(r"^(\d{1,5})([hdw])$")
_WORD = re.compile(r"\w", re.UNICODE)


@dataclasses.dataclass(frozen=True)
class Term:
    """Free text: a word (`prefix` when typed `word*`) or an exact phrase."""

    text: str
    phrase: bool = False
    prefix: bool = False
    negated: bool = False


@dataclasses.dataclass(frozen=True)
class Filter:
    """One qualifier: `name` canonical, `op` one of _OPS, `values` any-of, as typed in `token`."""

    name: str
    values: tuple[str, ...]
    op: str = "="
    negated: bool = False
    token: str = ""


@dataclasses.dataclass(frozen=True)
class Query:
    terms: tuple[Term, ...] = ()
    filters: tuple[Filter, ...] = ()
    sort: tuple[str, bool] | None = None  # (key, descending); None: relevance, else updated

    @property
    def words(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if not t.negated)

    def order(self) -> tuple[str, bool]:
        """The sort in force: as asked, else by relevance when there are words to rank."""
        if self.sort:
            return self.sort
        return ("relevance", True) if self.words else ("updated", True)


def bad(token: str, why: str) -> Invalid:
    """The 422 for one offending token; its message names the token first."""
    return Invalid(f'"{token}": {why}' if token else why,
                   [{"field": "q", "message": why, "token": token}])


def tokens(text: str) -> list[str]:
    """Split on spaces, keeping double-quoted runs (also inside `name:"a value"`) whole."""
    out, buf, quoted, started = [], [], False, False
    for ch in text:
        if ch == '"':
            quoted = not quoted
            buf.append(ch)
            started = True
        elif ch.isspace() and not quoted:
            if started:
                out.append("".join(buf))
            buf, started = [], False
        else:
            buf.append(ch)
            started = True
    if quoted:
        raise bad("".join(buf), "this quote is never closed")
    if started:
        out.append("".join(buf))
    return out


def _unquote(value: str) -> str:
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] == '"' else value


def _values(token: str, raw: str) -> tuple[str, ...]:
    parts = [_unquote(p.strip()).strip() for p in raw.split(",")]
    if not raw or not all(parts):
        raise bad(token, "give a value after the colon")
    return tuple(parts)


def _one(token: str, raw: str, allowed: tuple[str, ...], aliases: dict | None = None) -> str:
    value = _unquote(raw).strip().lower()
    value = (aliases or {}).get(value, value)
    if value not in allowed:
        raise bad(token, f"expected {_either(allowed)}")
    return value


def _either(choices: tuple[str, ...]) -> str:
    return ", ".join(choices[:-1]) + " or " + choices[-1] if len(choices) > 1 else choices[0]


def _split_op(name: str, raw: str) -> tuple[str, str]:
    if name in COMPARED:
        for op in _OPS:
            if raw.startswith(op):
                return op, raw[len(op):]
    return "=", raw


def _priority(token: str, value: str) -> str:
    from alloy.domain.values import Priority

    try:
        return Priority.parse(value).value
    except ValueError:
        names = tuple(p.value for p in Priority)
        raise bad(token, f'unknown priority "{value}" — expected {_either(names)}') from None


def _when(token: str, value: str) -> str:
    if _DATE.match(value) or _AGE.match(value.lower()):
        if _DATE.match(value):
            import datetime

            try:
                datetime.date.fromisoformat(value)
            except ValueError:
                raise bad(token, f'"{value}" is not a calendar date') from None
        return value.lower()
    raise bad(token, "expected a date (2026-11-01) or an age (12h, 7d, 2w)")


def _suggest(name: str) -> str:
    import difflib

    close = difflib.get_close_matches(name, QUALIFIERS, n=1, cutoff=0.6)
    if not close:
        close = [q for q in QUALIFIERS if q.startswith(name) or name.startswith(q)][:1]
    hint = f' — did you mean "{close[0]}:"?' if close else \
        f" — known qualifiers: {', '.join(q + ':' for q in QUALIFIERS)}"
    return f'unknown qualifier "{name}:"{hint} (quote words that contain a colon)'


def _qualifier(token: str, negated: bool, name: str, raw: str) -> Filter | tuple[str, bool]:
    name = name.lower()
    if name not in QUALIFIERS:
        raise Invalid(_suggest(name), [{"field": "q", "message": _suggest(name),
                                        "token": token}])
    op, raw = _split_op(name, raw)
    if name == "sort":
        if negated:
            raise bad(token, "sort: cannot be negated; use -asc or -desc")
        return _sort(token, raw)
    if name == "is":
        values = (_one(token, raw, ("open", "closed")),)
    elif name in ("has", "no"):
        values = (_one(token, raw, HAS, {"comment": "comments", "child": "children",
                                         "labels": "label", "assignees": "assignee"}),)
    elif name == "blocked":
        values = (_one(token, raw, ("true", "false"), {"yes": "true", "no": "false"}),)
    elif name == "priority":
        values = tuple(_priority(token, v) for v in _values(token, raw))
        if op != "=" and len(values) > 1:
            raise bad(token, f"compare with one priority after {op}")
    elif name in ("created", "updated"):
        values = (_when(token, _unquote(raw).strip()),)
    elif name == "tag":
        key, eq, value = _unquote(raw).partition("=")
        if not key.strip() or (eq and not value.strip()):
            raise bad(token, "expected tag:key=value or tag:key")
        values = (key.strip(), value.strip()) if eq else (key.strip(),)
    else:
        values = _values(token, raw)
    return Filter(name=name, values=values, op=op, negated=negated, token=token)


def _sort(token: str, raw: str) -> tuple[str, bool]:
    key, _, direction = _unquote(raw).strip().lower().partition("-")
    if key not in SORTS:
        raise bad(token, f"unknown sort \"{key}\" — expected {_either(SORTS)} "
                         "(add -asc or -desc)")
    if direction not in ("", "asc", "desc"):
        raise bad(token, f'unknown direction "{direction}" — expected asc or desc')
    return key, direction != "asc"


def _term(token: str) -> Term | None:
    negated = token.startswith("-") and len(token) > 1
    body = token[1:] if negated else token
    if len(body) >= 2 and body[0] == body[-1] == '"':
        text = body[1:-1].strip()
        return Term(text, phrase=True, negated=negated) if _WORD.search(text) else None
    prefix = body.endswith("*")
    text = body.rstrip("*").replace('"', "")
    if not _WORD.search(text):
        return None  # punctuation alone matches nothing: ignore it
    return Term(text, prefix=prefix, negated=negated)


def parse(text: str | None) -> Query:
    """The query `text` as words, filters and a sort; raises `Invalid` naming a bad token."""
    text = (text or "").strip()
    if len(text) > MAX_LENGTH:
        raise bad("", f"a query has at most {MAX_LENGTH} characters")
    found = tokens(text)
    if len(found) > MAX_TOKENS:
        raise bad("", f"a query has at most {MAX_TOKENS} words and qualifiers")
    terms, filters, sort = [], [], None
    for token in found:
        m = _QUALIFIER.match(token)
        if m and not token.startswith('"'):
            got = _qualifier(token, bool(m.group(1)), m.group(2), m.group(3))
            if isinstance(got, Filter):
                filters.append(got)
            elif sort is not None:
                raise bad(token, "give sort: once")
            else:
                sort = got
            continue
        term = _term(token)
        if term is not None:
            terms.append(term)
    return Query(terms=tuple(terms), filters=tuple(filters), sort=sort)


def has_filters(text: str | None) -> bool:
    """Whether a query needs the server: it has a qualifier or a negation, not only words.

    The TUI filters its loaded rows itself for plain words; anything else it asks for."""
    query = parse(text)
    return bool(query.filters or query.sort or any(t.negated or t.phrase or t.prefix
                                                   for t in query.terms))
