"""serve, migrate, health, onboard: running and setting up Alloy."""

import os
import sys

import typer
from alloy.cli import password as secret
from alloy.cli.output import emit
from alloy.cli.session import client, save_credentials


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.command()(migrate)
    app.command()(health)
    app.command()(onboard)


def serve(
    db: str = typer.Option(None, "--db", help="Database URL (env ALLOY_DATABASE_URL; default: "
                           "alloy.db in the user data dir)."),
    host: str = typer.Option(None, "--host", help="Interface to bind (env HOST, default 0.0.0.0)."),
    port: int = typer.Option(None, "--port", help="Listen port (env PORT, default 3000)."),
    workers: int = typer.Option(1, "--workers", help="Server processes sharing the database."),
    tls_domain: str = typer.Option(None, "--tls-domain", help="Serve HTTPS with a certificate "
                                   "from Let's Encrypt for this domain (env ALLOY_TLS_DOMAIN)."),
    tls_contact: str = typer.Option(None, "--tls-contact", help="Email for the CA's notices "
                                    "(env ALLOY_TLS_CONTACT)."),
    tls_staging: bool = typer.Option(None, "--tls-staging", help="Use Let's Encrypt's staging "
                                     "CA, for testing (env ALLOY_TLS_STAGING)."),
    tls_cache_dir: str = typer.Option(None, "--tls-cache-dir", help="Where certificates and the "
                                      "account key are kept (env ALLOY_TLS_CACHE_DIR, default "
                                      "./acme_cache)."),
    tls_directory_url: str = typer.Option(None, "--tls-directory-url", help="Another ACME CA's "
                                          "directory URL (env ALLOY_TLS_DIRECTORY_URL)."),
    tls_cert: str = typer.Option(None, "--tls-cert", help="Serve HTTPS with your own "
                                 "certificate chain, PEM (env ALLOY_TLS_CERT)."),
    tls_key: str = typer.Option(None, "--tls-key", help="Its private key, PEM (env "
                                "ALLOY_TLS_KEY)."),
    tls_http_port: int = typer.Option(None, "--tls-http-port", help="Plain-HTTP port for ACME "
                                      "challenges and the redirect to HTTPS; 0: none (env "
                                      "ALLOY_TLS_HTTP_PORT, default 80)."),
) -> None:
    """Start the HTTP API server (HTTPS with --tls-domain or --tls-cert).

    Example: ALLOY_REGISTRATION=open alloy serve --port 3000
    """
    from alloy.server.tls import plan

    from alloy.config import Settings
    from alloy.env import bootstrap, redacted, require_migrated

    settings = Settings.from_env(
        ALLOY_DATABASE_URL=db, HOST=host, PORT=port, ALLOY_WORKERS=max(1, workers),
        ALLOY_TLS_DOMAIN=tls_domain, ALLOY_TLS_CONTACT=tls_contact,
        ALLOY_TLS_STAGING=tls_staging, ALLOY_TLS_CACHE_DIR=tls_cache_dir,
        ALLOY_TLS_DIRECTORY_URL=tls_directory_url, ALLOY_TLS_CERT=tls_cert,
        ALLOY_TLS_KEY=tls_key, ALLOY_TLS_HTTP_PORT=tls_http_port).check()
    tls = plan(settings)
    if tls:
        settings = Settings.from_env(settings.environ, **tls.environ())
    if settings.s3.configured:
        from alloy.extras import require

        require("s3")  # attachments are configured: fail now, not on the first upload

    print(f"Database: {redacted(settings.db.url)}", flush=True)
    if settings.db.auto_migrate:
        print("Running migrations...", flush=True)
    env = bootstrap(settings)
    if settings.db.auto_migrate:
        print("Migrations complete.", flush=True)
    else:
        require_migrated(env)
    env.jwt  # noqa: B018 - load or generate keys before the first request (shared by workers)
    from alloy.security import generated_key_warning

    unset = generated_key_warning(settings.auth, settings.paths.data)
    if unset:
        print(unset, file=sys.stderr, flush=True)
    if env.store.dialect == "postgres":
        warning = env.store.role_warning()
        if warning:
            print(f"WARN: {warning}", file=sys.stderr, flush=True)
    print(f"Registration: {settings.auth.registration}", flush=True)
    server = settings.server
    if tls:
        print(tls.describe(), flush=True)
        tls_options = tls.start()
        os.environ.update(tls.environ())
    print(f"Listening on {server.host}:{server.port}", flush=True)
    import uvicorn
    from alloy.cli import long_running

    long_running()
    # What each worker process builds its Settings from (app_from_env).
    os.environ["ALLOY_DATABASE_URL"] = settings.db.url
    os.environ["ALLOY_AUTO_MIGRATE"] = "false"
    os.environ["ALLOY_WORKERS"] = str(server.workers)
    try:
        if workers > 1:
            uvicorn.run("alloy.server.app:app_from_env", factory=True, host=server.host,
                        port=server.port, workers=workers, log_level="warning",
                        **(tls_options if tls else {}))
        else:
            from alloy.server.app import create_app
            from alloy.server.runner import run

            run(create_app(env), host=server.host, port=server.port, log_level="warning",
                timeout_graceful_shutdown=10, **(tls_options if tls else {}))
    finally:
        if tls:
            tls.stop()


def migrate() -> None:
    """Apply pending database migrations (ALLOY_DATABASE_URL, default the local database).

    Example: ALLOY_DATABASE_URL=postgres://localhost/alloy alloy migrate
    """
    from alloy.config import Settings
    from alloy.env import migrate_database, redacted

    settings = Settings.from_env()
    applied = migrate_database(settings)
    for name in applied:
        print(f"applied {name}", file=sys.stderr)
    emit({"database": redacted(settings.db.url), "applied": applied})


def health() -> None:
    """Check that the API server (or the local database) answers.

    Example: alloy health --format json
    """
    emit(client(anonymous=True).call("system.health"))


def onboard(
    email: str = typer.Option(..., "--email", help="Admin email."),
    password: str | None = secret.option(f"Admin password (8+ characters). {secret.HELP}"),
    password_stdin: bool = secret.stdin_option(),
    org_name: str = typer.Option(..., "--org-name", help="Organization name."),
    org_slug: str = typer.Option(..., "--org-slug", help="Organization slug, e.g. acme."),
) -> None:
    """First-time setup: the first user, their organization and an admin API key.

    The password comes from --password-stdin, --password, ALLOY_PASSWORD or a hidden prompt.

    Example: alloy onboard --email admin@acme.com --password s3cretpw --org-name "Acme" --org-slug acme
    """
    from alloy.cli.common import shown
    from alloy.cli.session import api_url

    result = client(anonymous=True).run("onboard.run", body={
        "email": email, "password": secret.resolve(password, password_stdin),
        "org_name": org_name, "org_slug": org_slug})
    save_credentials({"access_token": result.access_token,
                      "refresh_token": result.refresh_token, "user_id": result.user_id,
                      "email": result.email, "org_id": result.org_id,
                      "api_url": api_url()}, replace=True)
    emit(shown(result), plain="api_key")
