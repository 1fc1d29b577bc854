"""Free words and phrases as full-text index lookups: SQLite FTS5 or PostgreSQL tsvector.

Both indexes hold one document per ticket (title, description, comments; migrations 0101),
so `login crash` finds a ticket whose title says "login" and a comment says "crash". Words
match whole tokens (no stemming, case and accents ignored); `word*` matches a prefix.
"""

from __future__ import annotations

import dataclasses
import re

from alloy.domain.query import Term

_PARTS = re.compile(r"\w+", re.UNICODE)


@dataclasses.dataclass
class Match:
    """SQL to add to a ticket query aliased `t`: a join, a condition and a relevance score
    (higher is better), each with its parameters in order."""

    join: str = ""
    join_params: tuple = ()
    where: str = ""
    where_params: tuple = ()
    score: str | None = None


def match(dialect: str, terms: tuple[Term, ...]) -> Match:
    if not terms:
        return Match()
    return _postgres(terms) if dialect == "postgres" else _sqlite(terms)


# SQLite: bm25 with the title weighing most, comments least. bm25 is lower-is-better.
_FTS = ("SELECT d.ticket_id AS ticket_id{score} FROM ticket_search "
        "JOIN ticket_search_docs d ON d.doc = ticket_search.rowid WHERE ticket_search MATCH ?")
_BM25 = ", -bm25(ticket_search, 10.0, 4.0, 1.0) AS score"


def _fts(term: Term) -> str:
    """One term in FTS5 syntax: always a quoted string, so no input is an operator."""
    quoted = '"' + term.text.replace('"', '""') + '"'
    return quoted + "*" if term.prefix else quoted


def _sqlite(terms: tuple[Term, ...]) -> Match:
    found = Match()
    wanted = [_fts(t) for t in terms if not t.negated]
    unwanted = [_fts(t) for t in terms if t.negated]
    if wanted:
        found.join = f" JOIN ({_FTS.format(score=_BM25)}) m ON m.ticket_id = t.id"
        found.join_params = (" AND ".join(wanted),)
        found.score = "m.score"
    if unwanted:
        found.where = f" AND t.id NOT IN ({_FTS.format(score='')})"
        found.where_params = (" OR ".join(unwanted),)
    return found


# PostgreSQL: one tsquery ANDing every term (a negated one with `!!`), ranked by ts_rank
# over the weighted document (title A, description B, comments C).
def _tsquery(term: Term) -> tuple[str, str]:
    if term.phrase:
        sql, value = "phraseto_tsquery('simple', ?)", term.text
    elif term.prefix:
        parts = _PARTS.findall(term.text.lower())
        sql, value = "to_tsquery('simple', ?)", " & ".join(parts[:-1] + [parts[-1] + ":*"])
    else:
        sql, value = "plainto_tsquery('simple', ?)", term.text
    return (f"(!! {sql})" if term.negated else sql), value


def _postgres(terms: tuple[Term, ...]) -> Match:
    parts = [_tsquery(t) for t in terms]
    query = " && ".join(sql for sql, _ in parts)
    return Match(join=" JOIN (SELECT s.ticket_id, ts_rank(s.document, w.q) AS score "
                      f"FROM ticket_search s, (SELECT {query} AS q) w "
                      "WHERE s.document @@ w.q) m ON m.ticket_id = t.id",
                 join_params=tuple(v for _, v in parts), score="m.score")
