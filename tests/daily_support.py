"""A person with an org and project DAY, embedded or remote, for issue 17's tests."""

from __future__ import annotations

import sqlite3
from types import SimpleNamespace

import pytest

from tests.conftest import unique_email
from tests.support import auth, cli


def make_day(kind: str, server, env_for) -> SimpleNamespace:
    """Log in (onboard embedded; register on the shared server remote), make project DAY."""
    email = unique_email("daily")
    if kind == "remote":
        env = env_for(ALLOY_API_URL=server.url)
        user = server.http.post("/api/v1/auth/register", json={
            "email": email, "password": "password123", "display_name": "Day"}).json()
        org = server.http.post("/api/v1/orgs", headers=auth(user["access_token"]), json={
            "name": "Daily", "slug": f"daily-{user['user_id'][-12:]}"}).json()
        cli(["auth", "login", "--email", email, "--password", "password123"], env)
        cli(["org", "switch", org["id"]], env)
        url = server.env["ALLOY_DATABASE_URL"]
    else:
        env = env_for()
        cli(["onboard", "--email", email, "--password", "password123", "--org-name", "Daily",
             "--org-slug", "daily"], env)
        url = env["ALLOY_DATABASE_URL"]
    cli(["project", "create", "--key", "DAY", "--name", "Daily"], env)
    return SimpleNamespace(kind=kind, env=env, email=email, db_url=url,
                           token=None if kind == "embedded" else user["access_token"])


def age_timer(day: SimpleNamespace, seconds: int) -> None:
    """Move the running timer's start `seconds` back (the test cannot wait that long)."""
    from datetime import datetime, timedelta

    if not day.db_url.startswith("sqlite:///"):
        pytest.skip("ages the timer in the SQLite file")
    db = sqlite3.connect(day.db_url.removeprefix("sqlite:///"), timeout=30)
    with db:
        (started,) = db.execute("SELECT started_at FROM timers t JOIN users u ON u.id = "
                                "t.user_id WHERE u.email = ?", (day.email,)).fetchone()
        then = datetime.fromisoformat(started.replace("Z", "+00:00")) - timedelta(seconds=seconds)
        db.execute("UPDATE timers SET started_at = ? WHERE started_at = ?",
                   (then.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z", started))
    db.close()
