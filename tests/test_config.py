"""Settings: one parser for every variable, one-line errors, and no other reader of the
environment in the core, the server or the faces (the exceptions named in `NOT_SETTINGS`)."""

from __future__ import annotations

import re

import pytest

from alloy.config import Settings, variables
from alloy.errors import NotConfigured
from tests.support import ROOT, base_env, cli

# What reads the environment directly: os.environ, os.getenv, or names taken from os.
_READS_ENV = re.compile(r"\bos\.(environ|getenv|putenv)\b|\bfrom os import\b.*\b(environ|getenv)\b")


# The environment touched outside Settings, on purpose: file -> (what its lines name, why).
NOT_SETTINGS = {
    "cli/main.py": ("_ALLOY_COMPLETE", "Click's shell-completion protocol, not a setting"),
    "cli/system.py": ("os.environ", "`serve` writes the environment its worker processes build "
                      "their Settings from (uvicorn starts them by import path: app_from_env)"),
    "tui/editor.py": ("os.environ.get(name", "the person's $VISUAL/$EDITOR, as every Unix "
                      "tool reads it"),
}


def _env_readers(*tops) -> list[str]:
    """Lines under `tops` (folders of ROOT, or paths) that touch the environment directly."""
    found = []
    for top in tops:
        for path in sorted((ROOT / top).rglob("*.py")):
            if path == ROOT / "alloy" / "config.py":
                continue
            for n, line in enumerate(path.read_text().splitlines(), 1):
                if _READS_ENV.search(line):
                    found.append((path, n, line.strip()))
    return found


def test_only_config_reads_the_environment():
    """alloy/, server/, cli/, tui/: every variable is a field of Settings (the CLI's own in
    its `cli` section), but for the lines NOT_SETTINGS names."""
    offenders = []
    for path, n, line in _env_readers("alloy", "server", "cli", "tui"):
        allowed = NOT_SETTINGS.get(path.relative_to(ROOT).as_posix())
        if allowed is None or allowed[0] not in line:
            offenders.append(f"{path.relative_to(ROOT)}:{n}: {line}")
    assert offenders == [], "read these through alloy.config.Settings:\n" + "\n".join(offenders)


def test_the_environment_scan_sees_every_form(tmp_path):
    """The scan above is not vacuous: each way of reaching the environment is caught."""
    bad = ['x = os.environ.get("ALLOY_FORMAT")', 'if os.getenv("NO_COLOR"):',
           "from os import environ", 'os.environ["PORT"] = "1"', "from os import getenv, path"]
    (tmp_path / "face").mkdir()
    (tmp_path / "face" / "m.py").write_text("\n".join([*bad, "import os.path", "os.sep"]))
    assert [line for _, _, line in _env_readers(tmp_path / "face")] == bad


def test_the_cli_section_reads_as_the_cli_always_did():
    """Any value of NO_COLOR, ALLOY_NO_PROMPT or ALLOY_DEBUG turns it on (no-color.org); a
    password is kept as typed; the format is checked by the CLI, where --format is."""
    cli_ = Settings.from_env({}).cli
    assert (cli_.format, cli_.no_color, cli_.no_prompt, cli_.debug, cli_.password) == (
        None, False, False, False, None)
    cli_ = Settings.from_env({"ALLOY_FORMAT": " Plain ", "NO_COLOR": "0", "ALLOY_NO_PROMPT": "1",
                              "ALLOY_DEBUG": "yes", "ALLOY_PASSWORD": " pass word "}).cli
    assert (cli_.format, cli_.no_color, cli_.no_prompt, cli_.debug, cli_.password) == (
        "Plain", True, True, True, " pass word ")
    assert Settings.from_env({"NO_COLOR": "", "ALLOY_PASSWORD": ""}).cli.no_color is False


def test_defaults_and_values():
    s = Settings.from_env({"ALLOY_DATA_DIR": "/srv/alloy"})
    assert s.db.url == "sqlite:////srv/alloy/alloy.db" and s.db.auto_migrate is True
    assert (s.server.host, s.server.port, s.server.base_url) == ("0.0.0.0", 3000,
                                                                 "http://localhost:3000")
    assert (s.auth.registration, s.auth.jwt_ttl_seconds) == ("open", 3600)
    assert not s.s3.configured and s.slack.notification_channel == "general"
    s = Settings.from_env({
        "ALLOY_DATABASE_URL": " postgres://h/db ", "ALLOY_AUTO_MIGRATE": "off", "PORT": "8080",
        "ALLOY_REGISTRATION": "Invite-Only", "ALLOY_CORS_ORIGINS": "https://a, ,https://b",
        "ALLOY_WEBHOOK_POLL_SECONDS": "0.2", "ALLOY_RATE_LIMIT_LOGIN": "5",
        "ALLOY_PUBLIC_URL": "https://alloy.example.com/", "ALLOY_SLACK_NOTIFICATION_CHANNEL": ""})
    assert (s.db.url, s.db.auto_migrate, s.server.port) == ("postgres://h/db", False, 8080)
    assert s.auth.registration == "invite"
    assert s.server.cors_origins == ("https://a", "https://b")
    assert (s.webhooks.poll_seconds, s.server.rate_limit_login) == (0.2, 5)
    assert s.server.base_url == "https://alloy.example.com"
    assert s.slack.notification_channel == "general"  # empty counts as unset


def test_variables_given_as_arguments_override_the_environment(monkeypatch):
    monkeypatch.setenv("ALLOY_JWT_ISSUER", "from-env")
    monkeypatch.setenv("PORT", "4000")
    s = Settings.from_env(PORT=5000, HOST=None)
    assert (s.auth.jwt_issuer, s.server.port, s.server.host) == ("from-env", 5000, "0.0.0.0")
    monkeypatch.setenv("ALLOY_JWT_ISSUER", "later")  # captured when built
    assert Settings.from_env().auth.jwt_issuer == "later" and s.auth.jwt_issuer == "from-env"


@pytest.mark.parametrize("name, value, message", [
    ("ALLOY_JWT_TTL_SECONDS", "abc",
     "ALLOY_JWT_TTL_SECONDS must be a positive whole number of seconds, got 'abc'"),
    ("ALLOY_JWT_TTL_SECONDS", "0",
     "ALLOY_JWT_TTL_SECONDS must be a positive whole number of seconds, got '0'"),
    ("PORT", "http", "PORT must be a port number (1-65535), got 'http'"),
    ("PORT", "70000", "PORT must be a port number (1-65535), got '70000'"),
    ("ALLOY_AUTO_MIGRATE", "maybe",
     "ALLOY_AUTO_MIGRATE must be true or false (also 1/0, yes/no, on/off), got 'maybe'"),
    ("ALLOY_REGISTRATION", "opne", "ALLOY_REGISTRATION must be open, invite or disabled, "
                                   "got 'opne'"),
    ("ALLOY_RATE_LIMIT_LOGIN", "lots",
     "ALLOY_RATE_LIMIT_LOGIN must be a whole number of requests per minute, got 'lots'"),
    ("ALLOY_DATABASE_POOL_SIZE", "0",
     "ALLOY_DATABASE_POOL_SIZE must be a positive whole number of connections, got '0'"),
    ("ALLOY_WEBHOOK_POLL_SECONDS", "soon",
     "ALLOY_WEBHOOK_POLL_SECONDS must be a number of seconds (0 or more), got 'soon'"),
    ("ALLOY_WORKERS", "-2", "ALLOY_WORKERS must be a positive whole number of processes, "
                            "got '-2'"),
])
def test_a_bad_value_is_one_line_naming_the_variable(name, value, message):
    with pytest.raises(NotConfigured) as err:
        Settings.from_env({name: value}).check()
    assert err.value.message == message


def test_sections_are_parsed_when_used():
    """A bad value for a feature a command does not use cannot stop it."""
    s = Settings.from_env({"ALLOY_RATE_LIMIT_GLOBAL": "lots", "ALLOY_DATABASE_URL": "sqlite:x"})
    assert s.db.url == "sqlite:x"
    with pytest.raises(NotConfigured, match="ALLOY_RATE_LIMIT_GLOBAL"):
        s.server  # noqa: B018
    with pytest.raises(NotConfigured, match="ALLOY_RATE_LIMIT_GLOBAL"):
        s.check()


def test_the_faces_show_a_bad_value_in_one_line(tmp_path):
    env = base_env(tmp_path)
    bad_server = cli(["serve"], env | {"ALLOY_JWT_TTL_SECONDS": "abc"}, check=False)
    assert bad_server.returncode == 1
    assert bad_server.stderr == ("error: ALLOY_JWT_TTL_SECONDS must be a positive whole "
                                 "number of seconds, got 'abc'\n")
    cli(["migrate"], env | {"ALLOY_RATE_LIMIT_LOGIN": "lots"})  # migrate does not read it
    bad_db = cli(["migrate"], env | {"ALLOY_DATABASE_POOL_SIZE": "none"}, check=False)
    assert bad_db.returncode == 1
    assert bad_db.stderr.strip() == ("error: ALLOY_DATABASE_POOL_SIZE must be a positive "
                                     "whole number of connections, got 'none'")


def test_every_variable_is_documented_in_server_md():
    declared = {v for v in variables() if not v.startswith("XDG_")}
    text = (ROOT / "docs" / "server.md").read_text()
    documented = set(re.findall(r"`(ALLOY_[A-Z0-9_]+|HOST|PORT|NO_COLOR)`", text))
    assert declared - documented == set(), "declared in Settings, missing from docs/server.md"
    assert documented - declared == set(), "in docs/server.md, unknown to Settings"
