"""Labor rates: a user's loaded cost per hour in an org, effective from a date onwards.

Rates are never edited in place: a change is a new rate with a later effective date, so a
report for a past month keeps using the rate that was in force on each entry's date.
Every labor-rate operation needs Admin (salaries are sensitive).
"""

from __future__ import annotations

from alloy.context import Ctx
from alloy.domain.page import Page, decode_cursor, encode_cursor
from alloy.domain.time import (
    CurrentRateQuery,
    LaborRate,
    LaborRateIn,
    RateHistoryQuery,
    UserLaborRateIn,
)
from alloy.domain.values import Role, new_id, now
from alloy.errors import Conflict, Invalid, NotFound
from alloy.ops import op


def to_rate(row: dict) -> LaborRate:
    return LaborRate(**{f: row[f] for f in LaborRate.__struct_fields__})


def rate_on(db, org_id: str, user_id: str, day: str) -> dict | None:
    """The rate in force on `day`: the latest one effective on or before it."""
    return db.one("SELECT * FROM labor_rates WHERE org_id = ? AND user_id = ? "
                  "AND effective_date <= ? ORDER BY effective_date DESC LIMIT 1",
                  org_id, user_id, day)


@op("POST", "/api/v1/labor-rates")
def create(ctx: Ctx, body: LaborRateIn) -> LaborRate:
    """Set a user's loaded hourly rate (cents) from an effective date (Admin)."""
    return _insert(ctx, ctx.org_of(body.org_id), body.user_id, body)


@op("POST", "/api/v1/users/{user_id}/orgs/{org_id}/labor-rates")
def create_for_user(ctx: Ctx, user_id: str, org_id: str, body: UserLaborRateIn) -> LaborRate:
    """Set a user's loaded hourly rate, the user and org named by the path (Admin).

    The spelling spec 20 and 26 use; a body copied from `POST /labor-rates` may keep its
    `user_id` and `org_id` as long as they agree with the path.
    """
    differ = [{"field": f, "message": "differs from the path"}
              for f, named in (("user_id", body.user_id), ("org_id", body.org_id))
              if named is not None and named != {"user_id": user_id, "org_id": org_id}[f]]
    if differ:
        raise Invalid("invalid labor rate: the body names another user or organization", differ)
    return _insert(ctx, org_id, user_id, body)


def _insert(ctx: Ctx, org_id: str, user_id: str, body) -> LaborRate:
    """The one way a rate is added: Admin, a member of the org, one rate per effective date."""
    ctx.require(org_id, Role.Admin)
    day = body.effective_date.isoformat()
    if ctx.role_in_db(org_id, user_id) is None:
        raise Invalid("invalid labor rate: user_id",
                      [{"field": "user_id", "message": "not a member of this organization"}])
    if ctx.db.one("SELECT 1 FROM labor_rates WHERE org_id = ? AND user_id = ? "
                  "AND effective_date = ?", org_id, user_id, day):
        raise Conflict(f"this user already has a rate effective {day}; add one with another date")
    t = now()
    row = ctx.db.insert("labor_rates", {
        "id": new_id(), "org_id": org_id, "user_id": user_id,
        "loaded_rate_cents": body.loaded_rate_cents, "effective_date": day,
        "created_at": t, "updated_at": t})
    ctx.audit(org_id, "labor_rate", row["id"], "create", {
        "user_id": user_id, "loaded_rate_cents": body.loaded_rate_cents,
        "effective_date": day})
    return to_rate(row)


@op("GET", "/api/v1/labor-rates/{rate_id}")
def get(ctx: Ctx, rate_id: str) -> LaborRate:
    """One labor rate by id (Admin)."""
    row = ctx.db.one("SELECT * FROM labor_rates WHERE id = ?", rate_id)
    if row is None:
        raise NotFound("labor rate not found")
    ctx.require(row["org_id"], Role.Admin, what="labor rate")
    return to_rate(row)


@op("GET", "/api/v1/users/{user_id}/orgs/{org_id}/labor-rates/current")
def current(ctx: Ctx, user_id: str, org_id: str, query: CurrentRateQuery) -> LaborRate:
    """The rate in force today, or on `date` if given (Admin)."""
    ctx.require(org_id, Role.Admin)
    day = query.date.isoformat() if query.date is not None else now()[:10]
    row = rate_on(ctx.db, org_id, user_id, day)
    if row is None:
        raise NotFound(f"no labor rate in force on {day} for this user")
    return to_rate(row)


@op("GET", "/api/v1/users/{user_id}/orgs/{org_id}/labor-rates")
def history(ctx: Ctx, user_id: str, org_id: str, query: RateHistoryQuery) -> Page[LaborRate]:
    """All of a user's rates, newest effective date first (Admin)."""
    ctx.require(org_id, Role.Admin)
    sql, params = "SELECT * FROM labor_rates WHERE org_id = ? AND user_id = ?", [org_id, user_id]
    after = decode_cursor(query.cursor)
    if after is not None:
        sql += " AND effective_date < ?"
        params.append(after)
    rows = ctx.db.all(f"{sql} ORDER BY effective_date DESC LIMIT {query.limit + 1}", *params)
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    nxt = encode_cursor(rows[-1]["effective_date"]) if more and rows else None
    return Page(items=[to_rate(r) for r in rows], next_cursor=nxt, has_more=more)
