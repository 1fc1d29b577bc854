"""Users, organizations, memberships, invites, tokens and API keys on the wire."""

from __future__ import annotations

from typing import Annotated

import msgspec

from alloy.domain.text import required, stated
from alloy.domain.values import Role

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
Email = Annotated[str, msgspec.Meta(pattern=EMAIL_PATTERN, max_length=320,
                                     description="an email address (e.g. ada@example.com)")]
Password = Annotated[str, msgspec.Meta(min_length=8, max_length=1024)]
Name = required(255)
Slug = Annotated[str, msgspec.Meta(min_length=1, max_length=100, pattern=r"^[a-z0-9][a-z0-9-]*$",
                                    description="lowercase letters, digits and dashes, "
                                    "starting with a letter or digit (e.g. acme-corp)")]


class RegisterIn(msgspec.Struct, kw_only=True):
    email: Email
    password: Password
    display_name: Name
    invite_code: str | None = None


class LoginIn(msgspec.Struct, kw_only=True):
    email: str
    password: str


class RefreshIn(msgspec.Struct, kw_only=True):
    refresh_token: str


class TokenPair(msgspec.Struct, kw_only=True):
    access_token: str
    refresh_token: str
    user_id: str
    email: str
    display_name: str
    org_id: str | None = None


class Me(msgspec.Struct, kw_only=True):
    user_id: str
    org_id: str | None
    email: str
    display_name: str
    role: Role | None
    scopes: list[str]
    allowed_project_ids: list[str] | None


class ApiKeyIn(msgspec.Struct, kw_only=True):
    name: Name
    scopes: stated(list[stated(str, enum=["read", "write", "admin"])], minItems=1) = \
        msgspec.field(default_factory=lambda: ["read", "write"])
    project_ids: list[str] = msgspec.field(default_factory=list)
    expires_at: str | None = None


class ApiKey(msgspec.Struct, kw_only=True):
    id: str
    name: str
    key_prefix: str
    scopes: list[str]
    project_ids: list[str]
    created_at: str
    last_used_at: str | None = None
    expires_at: str | None = None
    key: str | msgspec.UnsetType = msgspec.UNSET


class OnboardStatus(msgspec.Struct):
    needs_onboarding: bool


class OnboardIn(msgspec.Struct, kw_only=True):
    email: Email
    password: Password
    org_name: Name
    org_slug: Slug
    display_name: Name | None = None


class Onboarded(msgspec.Struct, kw_only=True):
    org_id: str
    user_id: str
    email: str
    api_key: str
    api_key_prefix: str
    access_token: str
    refresh_token: str


class OrgIn(msgspec.Struct, kw_only=True):
    name: Name
    slug: Slug


class OrgPatch(msgspec.Struct, kw_only=True):
    name: Name | msgspec.UnsetType = msgspec.UNSET
    slug: Slug | msgspec.UnsetType = msgspec.UNSET


class Org(msgspec.Struct, kw_only=True):
    id: str
    name: str
    slug: str  # a personal org's (the one registration makes) starts with "~"
    created_at: str
    updated_at: str
    personal: bool = False


class MemberIn(msgspec.Struct, kw_only=True):
    user_id: str | None = None
    email: str | None = None
    role: Role = Role.Member


class RolePatch(msgspec.Struct, kw_only=True):
    role: Role


class Membership(msgspec.Struct, kw_only=True):
    user_id: str
    org_id: str
    display_name: str
    email: str
    role: Role
    joined_at: str


class InviteIn(msgspec.Struct, kw_only=True):
    email: Email | None = None
    role: Role = Role.Member
    created_by: str | None = None  # deprecated, ignored: the actor comes from the credentials


class AcceptInviteIn(msgspec.Struct, kw_only=True):
    invite_code: str


class Invite(msgspec.Struct, kw_only=True):
    """An invite; its code and link are null for members who could not have made it."""

    id: str
    org_id: str
    invite_code: str | None
    invite_link: str | None
    email: str | None
    role: Role
    created_by: str
    created_at: str
    expires_at: str
    status: str
    accepted_at: str | None = None
    revoked_at: str | None = None


class Health(msgspec.Struct, kw_only=True):
    status: str  # ok, or degraded when the database does not answer
    version: str
    database: str  # sqlite | postgresql
    db_healthy: bool
    migration_version: str | None  # the latest applied migration, e.g. "0095"
    uptime_seconds: int
    service: str = "alloy"


class Version(msgspec.Struct, kw_only=True):
    version: str
    profile: str  # release (an installed package) | development (a source checkout)
    api: str = "v1"
    service: str = "alloy"
