"""Property-based run of schemathesis against the live server's own OpenAPI (issue 14).

Every operation, authenticated as an org owner with a real org and project, gets generated
valid and invalid input and every schemathesis check but one (EXCLUDED, with the reason):
no 500, every response (status code, content type, headers, Allow, body) as the schema
documents it, and input the schema forbids refused. Bounded in examples per operation
and in wall time, so the file stays within a couple of minutes; on PostgreSQL too
(scripts/test's second pass).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import Server, auth

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
# A fixed amount of work (seeded: the same cases each run), not a time budget: schemathesis
# repeats its fuzzing until --max-time is spent, so a time budget made the run's cost (and
# what it covered) depend on how busy the machine was. ALLOY_FUZZ_SECONDS caps it if set.
MAX_EXAMPLES = int(os.environ.get("ALLOY_FUZZ_EXAMPLES", "5"))
MAX_TIME = int(os.environ.get("ALLOY_FUZZ_SECONDS", "0"))
CONFIG = Path(__file__).with_name("schemathesis.toml")

# Every integration switched on: unconfigured, they answer a deliberate 503 NOT_CONFIGURED,
# and their request handling (signatures, SCIM bearer, presigning) would go untested.
# Presigning needs no S3 server; nothing here reaches the endpoint.
INTEGRATIONS = {"ALLOY_SCIM_BEARER_TOKEN": "scim-fuzz-token",
                "ALLOY_SLACK_SIGNING_SECRET": "slack-fuzz-secret",
                "ALLOY_GITHUB_WEBHOOK_SECRET": "github-fuzz-secret",
                "ALLOY_S3_ACCESS_KEY_ID": "fuzz", "ALLOY_S3_SECRET_ACCESS_KEY": "fuzz-secret",
                "ALLOY_S3_ENDPOINT": "http://127.0.0.1:9"}

# One check stays off: positive_data_acceptance reads any 4xx to schema-valid input as a
# finding, and most of this API's 422s/404s depend on state no schema can state: ids that
# must exist in the org (the stateful phase reuses ids across orgs and deletes), a bare ticket
# number needing its project, a report needing one org, a batch needing a field to change
# (33 such findings in a run; each of those rules has its own test). The enums and minimum
# lengths the services enforce are in the schema (`alloy.domain.text.stated`).
EXCLUDED = ["positive_data_acceptance"]


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory):
    """A server of its own: the fuzzer deletes, renames and revokes what it finds."""
    srv = Server(tmp_path_factory.mktemp("fuzz"), ALLOY_REGISTRATION="open", **INTEGRATIONS)
    yield srv
    srv.stop()


def _owner(server) -> str:
    """A registered user owning an org with a project and a ticket: rows for path ids to hit."""
    r = server.http.post("/api/v1/auth/register", json={
        "email": "fuzz@example.com", "password": "password123", "display_name": "Fuzz"})
    assert r.status_code == 201, r.text
    token = r.json()["access_token"]
    h = auth(token)
    org = server.http.post("/api/v1/orgs", headers=h, json={"name": "Fuzz lab", "slug": "fuzz-lab"})
    assert org.status_code == 201, org.text
    project = server.http.post("/api/v1/projects", headers=h, json={
        "org_id": org.json()["id"], "key": "FUZZ", "name": "Fuzz"})
    assert project.status_code == 201, project.text
    ticket = server.http.post(f"/api/v1/projects/{project.json()['id']}/tickets", headers=h,
                              json={"title": "Fuzz me"})
    assert ticket.status_code == 201, ticket.text
    return token


CPYTHON_AST_RACE = "SystemError: AST constructor recursion depth mismatch"


def test_openapi_fuzz_finds_no_server_error_and_no_schema_violation(fuzz_server, tmp_path):
    token = _owner(fuzz_server)
    cmd = [str(SCHEMATHESIS), "--config-file", str(CONFIG), "run",
           f"{fuzz_server.url}/schema/openapi.json",
           "--checks", "all", "--exclude-checks", ",".join(EXCLUDED),
           "-H", f"Authorization: Bearer {token}",
           "--max-examples", str(MAX_EXAMPLES),
           *(["--max-time", str(MAX_TIME)] if MAX_TIME else []),
           "--workers", "2", "--seed", "14", "--no-shrink", "--no-color",
           "--generation-database", "none", "--request-timeout", "20",
           # the response-time check at the request timeout, not its 10 s default: on a
           # shared, loaded 2-core machine a 405 once took 13 s (scripts/test, load 8-13)
           "--max-response-time", "20",
           "--report", "ndjson", "--report-dir", str(tmp_path)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=(MAX_TIME or 900) + 120,
                          cwd=tmp_path)
    if proc.returncode and CPYTHON_AST_RACE in proc.stdout \
            and re.search(r"\b(\d+) generated, \1 passed\b", proc.stdout):
        # schemathesis itself crashed, not on anything our server said: CPython 3.11's AST
        # validator keeps its recursion depth per interpreter, so two generator threads
        # compiling at once can trip it (python/cpython#106905). Once more settles it.
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=(MAX_TIME or 900) + 120,
                              cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout[-20000:] + proc.stderr[-4000:]
    assert "Traceback" not in fuzz_server.output()
