"""Who is acting: the identity a request or an embedded command runs as.

The role is not frozen in here: it is read from the database per organization on every
call (see `alloy.context.Ctx.role_in`), so a changed role applies at once.
"""

from __future__ import annotations

import msgspec


class Actor(msgspec.Struct, frozen=True, kw_only=True):
    user_id: str
    email: str = ""
    org_id: str | None = None
    scopes: tuple[str, ...] = ("*",)
    allowed_project_ids: tuple[str, ...] | None = None
    api_key_id: str | None = None

    @property
    def is_api_key(self) -> bool:
        return self.api_key_id is not None
