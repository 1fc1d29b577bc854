"""Single sign-on (OIDC with PKCE) shapes."""

from __future__ import annotations

from typing import Annotated

import msgspec

from alloy.domain.text import required

Url = Annotated[str, msgspec.Meta(pattern=r"^https?://\S+$", max_length=2000)]


class ProviderIn(msgspec.Struct, kw_only=True):
    provider_type: str = "oidc"
    provider_name: required(100) = "okta"
    issuer_url: Url
    client_id: Annotated[str, msgspec.Meta(min_length=1)]
    client_secret: Annotated[str, msgspec.Meta(min_length=1)]
    authorization_endpoint: Url | None = None
    token_endpoint: Url | None = None
    jwks_uri: Url | None = None


class Provider(msgspec.Struct, kw_only=True):
    id: str
    org_id: str
    provider_type: str
    provider_name: str
    issuer_url: str
    client_id: str
    authorization_endpoint: str | None
    token_endpoint: str | None
    jwks_uri: str | None
    created_at: str
    updated_at: str


class DiscoverQuery(msgspec.Struct, kw_only=True):
    org_id: str


class LoginQuery(msgspec.Struct, kw_only=True):
    org: str


class CallbackQuery(msgspec.Struct, kw_only=True):
    code: str
    state: str


class Discovery(msgspec.Struct, kw_only=True):
    authorization_url: str
    state: str


class Redirect(msgspec.Struct, kw_only=True):
    """A response that sends the browser elsewhere (302 over HTTP)."""

    location: str
