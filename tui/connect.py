"""Which client the TUI talks to, and what start-up reads before the first frame.

The client follows the CLI's rule (`alloy.client.connect.saved_login`): remote when
`--api-url`, `ALLOY_BASE_URL` (the TUI Guide's variable) or `ALLOY_API_URL` is set, or when
the saved login was made against a server; embedded otherwise.

Start-up (`Early`) runs in a thread from the moment it is made — `alloy-tui` makes it before
importing Textual — so that in the usual case the org, its projects and the first page of
tickets are there when the app mounts, and the very first frame shows tickets.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

from alloy.tui import api

from alloy.errors import AlloyError

if TYPE_CHECKING:
    from alloy.domain.flow import Workflow
    from alloy.domain.views import View
    from alloy.domain.work import Project, Ticket


def make_client(api_url: str | None = None):
    from alloy.client.connect import connect, saved_login
    from alloy.config import Settings

    return connect(saved_login(api_url or Settings.from_env().client.base_url))


def describe(client) -> str:
    return getattr(client, "base_url", None) or "embedded"


@dataclasses.dataclass
class Start:
    """What the first frame shows, and the rest of the tickets still to read, page by page
    (the client's Structs, as the widgets read them)."""

    who: api.Who
    projects: list[Project]
    members: dict[str, str]
    workflows: list[Workflow]
    views: list[View]
    first: list[Ticket]
    rest: Iterator[list[Ticket]]
    first_page_at: float


def load(client) -> Start:
    """The org, its projects, members, workflows and saved views, and the first page of
    tickets. Members and views are optional (a role may not list them): empty then."""
    who = api.discover(client)
    org = who.org_id
    projects = api.projects(client, org)
    pages = (page for p in projects for page in api.pages(client, "tickets.list", p.id))
    first = next(pages, [])
    first_page_at = time.perf_counter()
    return Start(who=who, projects=projects, members=_or_empty(api.members, client, org, {}),
                 workflows=api.workflows(client, org),
                 views=_or_empty(api.views, client, org, []), first=first, rest=pages,
                 first_page_at=first_page_at)


def _or_empty(read, client, org: str, empty):
    try:
        return read(client, org)
    except AlloyError:
        return empty


class Early:
    """`load` (making the client first when none is given) in a thread, started now."""

    def __init__(self, client=None, api_url: str | None = None) -> None:
        self.client = client  # set as soon as it is made, even if loading then fails
        self._future: concurrent.futures.Future[Start] = concurrent.futures.Future()
        threading.Thread(target=self._run, args=(api_url,), name="alloy-connect",
                         daemon=True).start()

    def _run(self, api_url: str | None) -> None:
        try:
            if self.client is None:
                self.client = make_client(api_url)
            self._future.set_result(load(self.client))
        except BaseException as err:  # noqa: BLE001 - handed to whoever waits
            self._future.set_exception(err)

    def ready(self) -> Start | None:
        """The result if it is already there, else None (never waits; a failure waits for
        `result`, which raises it where errors are shown)."""
        f = self._future
        return f.result() if f.done() and f.exception() is None else None

    def result(self) -> Start:
        return self._future.result()
