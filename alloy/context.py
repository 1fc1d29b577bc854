"""What a service call sees: the actor, its transaction and the settings, plus authorization.

Authorization lives here so that every face gets the same answers: not a member of the
org -> NotFound (other tenants' data does not exist for you); a role too low -> Forbidden.
"""

from __future__ import annotations

import contextlib

from alloy.actor import Actor
from alloy.domain.values import SCOPE_RANK, Role, new_id, now
from alloy.errors import Forbidden, NotFound, Unauthorized


class Ctx:
    def __init__(self, db, actor: Actor | None, env, scope=None) -> None:
        self.db = db
        self._actor = actor
        self.env = env
        self.scope = scope  # tenancy of the units of work (alloy.store.Scope)
        self._roles: dict[str, Role | None] = {}

    @contextlib.contextmanager
    def transaction(self, write: bool = True):
        """A unit of work of its own, for operations declared with `tx=False`."""
        with self.env.store.unit(write=write, scope=self.scope) as db:
            self.db = db
            try:
                yield db
                db.commit()
            finally:
                self.db = None

    @property
    def settings(self):
        return self.env.settings

    @property
    def actor(self) -> Actor:
        if self._actor is None:
            raise Unauthorized("authentication required")
        return self._actor

    @property
    def user_id(self) -> str:
        return self.actor.user_id

    def org_of(self, named: str | None) -> str:
        """The org a request is about: the one it names, else the actor's current org."""
        org_id = named or self.actor.org_id
        if not org_id:
            raise NotFound("no organization selected: pass org_id or switch to an org")
        return org_id

    @property
    def key_org(self) -> str | None:
        """The one org an API key acts in (spec 54 binds a key to its org); None for a login."""
        return self.actor.org_id if self.actor.is_api_key else None

    def role_in(self, org_id: str) -> Role | None:
        """The actor's role in an org: a login acts in all the user's orgs, a key in its own."""
        if self.key_org and org_id != self.key_org:
            return None  # another org does not exist for this key: 404, as cross-org
        if org_id not in self._roles:
            row = self.db.one("SELECT role FROM org_members WHERE org_id = ? AND user_id = ?",
                              org_id, self.actor.user_id)
            self._roles[org_id] = Role(row["role"]) if row else None
        return self._roles[org_id]

    def learn_role(self, org_id: str, role: str | None) -> None:
        """The actor's role in an org, read along with other rows (one query fewer)."""
        self._roles.setdefault(org_id, Role(role) if role else None)

    def role_in_db(self, org_id: str, user_id: str) -> Role | None:
        """Another user's role in an org (None when not a member)."""
        row = self.db.one("SELECT role FROM org_members WHERE org_id = ? AND user_id = ?",
                          org_id, user_id)
        return Role(row["role"]) if row else None

    def require(self, org_id: str, minimum: Role = Role.Viewer, what: str = "organization") -> Role:
        """The actor's role in `org_id`, at least `minimum`; 404 for outsiders."""
        role = self.role_in(org_id)
        if role is None:
            raise NotFound(f"{what} not found")
        if not role.at_least(minimum):
            raise Forbidden(f"requires {minimum.value} role or above")
        return role

    def has_scope(self, scope: str) -> bool:
        if self._actor is None:
            return True
        have = max(SCOPE_RANK.get(s, 0) for s in self._actor.scopes or ("read",))
        return have >= SCOPE_RANK[scope]

    def require_scope(self, scope: str) -> None:
        if not self.has_scope(scope):
            raise Forbidden(f"API key lacks the '{scope}' scope")

    def audit(self, org_id: str | None, entity_type: str, entity_id: str, action: str,
              changes: dict | None = None) -> None:
        """Record a mutation, and the credential it came through, in the same transaction
        (ticket activity reads these rows)."""
        self.db.insert("audit_log", self.audit_row(org_id, entity_type, entity_id, action, changes))

    def audit_row(self, org_id: str | None, entity_type: str, entity_id: str, action: str,
                  changes: dict | None = None) -> dict:
        """The `audit_log` row `audit` writes, for a caller that writes it along with others."""
        via = self._actor.credential if self._actor else None
        return {
            "id": new_id(), "org_id": org_id, "entity_type": entity_type,
            "entity_id": entity_id, "action": action,
            "actor_id": self._actor.user_id if self._actor else None,
            "via_kind": via and via.kind, "via_id": via and via.id,
            "via_name": via and via.name, "via_client": via and via.client,
            "changes": changes or {}, "created_at": now()}
