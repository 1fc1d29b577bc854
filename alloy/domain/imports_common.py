"""What the Jira and Linear converters share: an AlloyExport being assembled, and helpers.

The `Collector` de-duplicates users, labels, statuses, projects and sprints by name as the
converter meets them, so a converter only walks the source once.
"""

from __future__ import annotations

from datetime import UTC, datetime

from alloy.domain.io import DEFAULT_LABEL_COLOR, VERSION
from alloy.domain.values import is_project_key, iso, now


class SourceError(ValueError):
    """The export cannot be converted as it is; the message says what to do (in the user's
    words: the CLI prints it as it is)."""


def stamp(value) -> str | None:
    """A source timestamp ("2026-01-05T10:00:00.000+0000", "...Z") as RFC 3339 UTC."""
    if not value or not isinstance(value, str):
        return None
    text = value.strip().replace("Z", "+00:00")
    if len(text) > 5 and text[-5] in "+-" and text[-3] != ":":
        text = text[:-2] + ":" + text[-2:]  # +0000 -> +00:00
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return iso(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


def text_of(value) -> str:
    """Plain text from a string or an Atlassian Document Format node (paragraphs by line)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        if value.get("type") == "text":
            return value.get("text", "")
        inner = "".join(text_of(c) for c in value.get("content") or [])
        if value.get("type") == "doc":  # the document: no newline after its last paragraph
            return inner.rstrip("\n")
        return inner + ("\n" if value.get("type") in ("paragraph", "heading") else "")
    if isinstance(value, list):
        return "".join(text_of(v) for v in value)
    return str(value)


def person_email(person, out: Collector) -> str | None:
    """A source person's email, recorded as a user; None when it has none (an author becomes
    the importing user, an assignee nobody: the import says so)."""
    if not isinstance(person, dict):
        return None
    email = person.get("emailAddress") or person.get("email")
    name = person.get("displayName") or person.get("name")
    if not email:
        if name:
            out.warn_once(f"user '{name}' has no email: their comments and time are attributed "
                          "to the importing user, and their tickets are left unassigned")
        return None
    return out.user(email, name)


class Collector:
    """`key_map` renames source project keys (`{"SAMPLEPROJECT": "SAMPLE"}`): Jira allows keys
    longer than Alloy's ten characters."""

    def __init__(self, source: str, workflow: str, key_map: dict[str, str] | None = None) -> None:
        self.source, self.workflow_name = source, workflow
        self.key_map = {k.upper(): v.upper() for k, v in (key_map or {}).items()}
        self.users: dict[str, dict] = {}
        self.labels: dict[str, dict] = {}
        self.statuses: dict[str, dict] = {}
        self.projects: dict[str, dict] = {}
        self.warnings: list[str] = []

    def warn(self, text: str) -> None:
        self.warnings.append(text)

    def warn_once(self, text: str) -> None:
        if text not in self.warnings:
            self.warnings.append(text)

    def user(self, email: str, name: str | None = None) -> str:
        key = email.strip().lower()
        found = self.users.setdefault(key, {"email": key, "display_name": None})
        found["display_name"] = found["display_name"] or name
        return key

    def label(self, name: str, color: str | None = None) -> str:
        found = self.labels.setdefault(name.lower(), {"name": name,
                                                      "color": color or DEFAULT_LABEL_COLOR})
        return found["name"]

    def status(self, name: str, category: str) -> str:
        return self.statuses.setdefault(name.lower(), {"name": name, "category": category})["name"]

    def key(self, source_key: str) -> str:
        """The Alloy project key for a source project key (mapped, then checked)."""
        key = self.key_map.get(source_key.upper(), source_key.upper())
        if not is_project_key(key):
            where = "" if key == source_key.upper() else f" (mapped from {source_key})"
            raise SourceError(
                f"{self.source} project key '{key}'{where} cannot be an Alloy key (a letter, "
                f"then up to 9 letters or digits): map it to one with --key-map "
                f"{source_key.upper()}={_suggest(key)}")
        return key

    def project(self, key: str, name: str | None = None, description: str | None = None) -> dict:
        key = self.key(key)
        found = self.projects.setdefault(key, {
            "key": key, "name": name or key, "description": description or None,
            "workflow": self.workflow_name, "members": [], "sprints": [], "tickets": []})
        if name and found["name"] == key:
            found["name"] = name
        return found

    def sprint(self, project: dict, name: str, *, goal=None, start=None, end=None,
               status: str = "Planned") -> str:
        for s in project["sprints"]:
            if s["name"].lower() == name.lower():
                return s["name"]
        start, end = (start or end or now())[:10], (end or start or now())[:10]
        project["sprints"].append({"name": name, "goal": goal or None, "start_date": start,
                                   "end_date": max(start, end), "status": status})
        return name

    def ticket(self, project: dict, ticket: dict) -> None:
        ticket["key"] = f"{project['key']}-{ticket['number']}"
        project["tickets"].append(ticket)

    def result(self) -> tuple[dict, list[str]]:
        workflows = []
        if self.statuses:
            names = [s["name"] for s in self.statuses.values()]
            workflows.append({"name": self.workflow_name, "enforcement": "none",
                              "statuses": list(self.statuses.values()),
                              "transitions": [{"from": a, "to": b} for a in names for b in names
                                              if a != b]})
        for p in self.projects.values():
            p["tickets"].sort(key=lambda t: t["number"])
            if not self.statuses:
                p["workflow"] = None
        return {"version": VERSION, "source": self.source, "exported_at": now(),
                "users": list(self.users.values()), "workflows": workflows,
                "labels": list(self.labels.values()),
                "projects": list(self.projects.values())}, self.warnings


def _suggest(key: str) -> str:
    """A valid key to offer for one that is not (letters and digits, ten at most)."""
    kept = "".join(c for c in key if c.isascii() and c.isalnum()).lstrip("0123456789")
    return (kept or "PROJ")[:10]


def parse_key_map(pairs: list[str]) -> dict[str, str]:
    """`["SAMPLEPROJECT=SAMPLE", ...]` (or one comma-separated string) as a dict."""
    found: dict[str, str] = {}
    for pair in (p.strip() for item in pairs for p in item.split(",")):
        source, eq, target = pair.partition("=")
        if not eq or not source.strip() or not target.strip():
            raise SourceError(f"--key-map takes SOURCE=KEY pairs (e.g. SAMPLEPROJECT=SAMPLE), "
                              f"not '{pair}'")
        found[source.strip().upper()] = target.strip().upper()
    return found
