"""auth login | register | me | token | api-key create/list/revoke."""

import typer
from alloy.cli import password as secret
from alloy.cli.common import call, page_query, show_list
from alloy.cli.output import emit
from alloy.cli.session import api_url, client, load_credentials, save_credentials

app = typer.Typer(no_args_is_help=True, help="Log in and manage API keys.")
keys = typer.Typer(no_args_is_help=True, help="Create, list and revoke API keys.")
app.add_typer(keys, name="api-key")


@app.command()
def login(
    email: str = typer.Option(..., "--email", help="Account email address."),
    password: str | None = secret.option(),
    password_stdin: bool = secret.stdin_option(),
) -> None:
    """Log in and save credentials to ~/.config/alloy/credentials.toml.

    The password comes from --password-stdin, --password, ALLOY_PASSWORD or a hidden prompt.

    Example: alloy auth login --email admin@example.com --password s3cret --format plain
    """
    body = {"email": email, "password": secret.resolve(password, password_stdin)}
    _signed_in(client(anonymous=True).run("auth.login", body=body))


@app.command()
def register(
    email: str = typer.Option(..., "--email", help="Email address for the new account."),
    display_name: str = typer.Option(..., "--display-name", "--name", help="Your name."),
    invite_code: str = typer.Option(None, "--invite-code",
                                    help="Invite code from the org that invited you: you join "
                                    "it with the invite's role."),
    password: str | None = secret.option(),
    password_stdin: bool = secret.stdin_option(),
) -> None:
    """Create an account on a server and log in as it (credentials saved as by login).

    Without an invite you get a personal organization (where the server allows open
    registration); with one you join the inviting organization.

    Example: alloy --api-url https://alloy.example.com auth register --email me@example.com --name "Me" --invite-code inv_...
    """
    body = {"email": email, "password": secret.resolve(password, password_stdin),
            "display_name": display_name, "invite_code": invite_code}
    _signed_in(client(anonymous=True).run(
        "auth.register", body={k: v for k, v in body.items() if v is not None}))


def _signed_in(pair) -> None:
    """Save a new session's tokens (a `TokenPair`), then say who is signed in (login and
    register)."""
    before = load_credentials(tolerant=True)  # a broken file is what this replaces
    save_credentials({"access_token": pair.access_token, "refresh_token": pair.refresh_token,
                      "user_id": pair.user_id, "email": pair.email,
                      "org_id": pair.org_id, "api_url": api_url()}, replace=True)
    from alloy.cli.orgs import restore  # a re-login keeps the active org and default project

    emit({"user_id": pair.user_id, "email": pair.email,
          "display_name": pair.display_name, "org_id": restore(before, pair)},
         plain="user_id")


@app.command()
def logout() -> None:
    """Forget the saved login (revoking its refresh token on the server): later commands are
    embedded again, as after `gh auth logout`.

    Example: alloy auth logout
    """
    from alloy.client import credentials
    from alloy.errors import AlloyError

    saved = credentials.load(tolerant=True)
    if saved.get("refresh_token"):
        try:
            client(anonymous=True).call("auth.logout",
                                        body={"refresh_token": saved["refresh_token"]})
        except AlloyError:  # already revoked, expired, or the server is gone: forget it anyway
            pass
    credentials.path().unlink(missing_ok=True)
    credentials.path().with_name(".credentials.parsed.json").unlink(missing_ok=True)
    emit({"logged_out": bool(saved), "api_url": saved.get("api_url")}, plain="logged_out")


@app.command()
def me() -> None:
    """Show who you are: user, current organization, your role there and key limits.

    Example: alloy auth me --format json | jq -r '.role'
    """
    emit(call("auth.me"), plain="user_id")


def mask(token: str) -> str:
    if len(token) <= 16:
        return "*" * len(token)
    return f"{token[:12]}{'*' * 8}{token[-4:]}"


@app.command()
def token() -> None:
    """Show the stored token, masked (first 12 and last 4 characters).

    Example: alloy auth token --format json
    """
    from alloy.errors import Unauthorized

    creds = load_credentials()
    if not creds.get("access_token"):
        raise Unauthorized("not logged in: run `alloy auth login`")
    emit({"token": mask(creds["access_token"]), "user_id": creds.get("user_id"),
          "email": creds.get("email"), "org_id": creds.get("org_id"),
          "api_url": creds.get("api_url")}, plain="token")


def _csv(text: str | None) -> list[str] | None:
    return [p.strip() for p in text.split(",") if p.strip()] if text else None


@keys.command("create")
def key_create(
    name: str = typer.Option(..., "--name", help="Human-readable key name."),
    scopes: str = typer.Option("read,write", "--scopes", help="Comma-separated: read, write, admin."),
    projects: str = typer.Option(None, "--projects", help="Comma-separated projects (keys or UUIDs)."),
    expires_at: str = typer.Option(None, "--expires-at", help="Expiry (RFC 3339 date/time)."),
) -> None:
    """Create an API key; the full key is shown only once.

    Example: alloy auth api-key create --name "Admin Script" --scopes read,write,admin --format plain
    """
    from alloy.cli.refs import project_id

    body = {"name": name, "scopes": _csv(scopes) or [],
            "project_ids": [project_id(p) for p in _csv(projects) or []],
            "expires_at": expires_at}
    emit(call("apikeys.create", body=body), plain="key")


@keys.command("list")
def key_list(cursor: str = typer.Option(None, "--cursor"),
             limit: int = typer.Option(None, "--limit")) -> None:
    """List your API keys (prefixes only).

    Example: alloy auth api-key list --format json | jq -r '.data[0].id'
    """
    show_list("apikeys.list", ["key_prefix", "name", "scopes", "last_used_at", "expires_at",
                               "id"], query=page_query(cursor, limit))


@keys.command("revoke")
def key_revoke(key_id: str = typer.Argument(..., metavar="ID")) -> None:
    """Revoke an API key by id.

    Example: alloy auth api-key revoke 550e8400-e29b-41d4-a716-446655440000
    """
    call("apikeys.revoke", key_id=key_id)
    emit({"id": key_id, "revoked": True})
