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


def match(dialect: str, terms: tuple[Term, ...], *, newer_than: int | None = None,
          older_than: int | None = None) -> Match:
    """The terms' SQL; on SQLite `newer_than`/`older_than` keep documents on one side of a
    `window` cutoff (the older side unranked)."""
    if not terms:
        return Match()
    if dialect == "postgres":
        return _postgres(terms)
    return _sqlite(terms, newer_than, older_than)


WINDOW = 2000  # matches ranked by relevance, at most (SQLite)


def window(db, terms: tuple[Term, ...]) -> int | None:
    """Where relevance ranking stops on SQLite, or None when it ranks every match.

    bm25 costs the same for each matching document, so a word found in most of 100,000
    tickets would take a quarter of a second to rank. Past WINDOW matches, the WINDOW most
    recently created are ranked and the older ones follow, newest first: the cutoff is the
    first document id of the window (ids grow with creation). bench/search.py measures it.
    """
    wanted = [_fts(t) for t in terms if not t.negated]
    if db.dialect == "postgres" or not wanted:
        return None
    row = db.one("SELECT rowid FROM ticket_search WHERE ticket_search MATCH ? "
                 f"ORDER BY rowid DESC LIMIT 1 OFFSET {WINDOW}", " AND ".join(wanted))
    return None if row is None else row["rowid"] + 1


# SQLite: bm25 with the title weighing most, comments least. bm25 is lower-is-better.
_FTS = ("SELECT d.ticket_id AS ticket_id{score} FROM ticket_search "
        "JOIN ticket_search_docs d ON d.doc = ticket_search.rowid WHERE ticket_search MATCH ?")
_BM25 = ", -bm25(ticket_search, 10.0, 4.0, 1.0) AS score"


def _fts(term: Term) -> str:
    """One term in FTS5 syntax: always a quoted string, so no input is an operator."""
    quoted = '"' + term.text.replace('"', '""') + '"'
    return quoted + "*" if term.prefix else quoted


def _sqlite(terms: tuple[Term, ...], newer_than: int | None = None,
            older_than: int | None = None) -> Match:
    found = Match()
    wanted = [_fts(t) for t in terms if not t.negated]
    unwanted = [_fts(t) for t in terms if t.negated]
    if wanted:
        side, bound = "", ()
        if newer_than is not None:
            side, bound = " AND ticket_search.rowid >= ?", (newer_than,)
        elif older_than is not None:
            side, bound = " AND ticket_search.rowid < ?", (older_than,)
        score = "" if older_than is not None else _BM25
        found.join = f" JOIN ({_FTS.format(score=score)}{side}) m ON m.ticket_id = t.id"
        found.join_params = (" AND ".join(wanted), *bound)
        found.score = "m.score" if score else None
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
