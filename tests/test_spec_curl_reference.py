"""Every curl example of the API reference (spec chapter 04), each with its own set-up.

The reference is not a story: each example assumes what it needs exists ("$LABEL_ID", a
submitted entry, an identity provider...). Each runs in its own subshell after a set-up
made through the API with `command curl` (so only the example's own answers are checked):
by default a fresh reader with one team org, a project (READ) and a ticket (TOKEN, USER_ID,
ORG_ID, PROJECT_ID, TICKET_ID), plus what SETUP gives for that example. Three servers:
the reference's (open registration), an empty one (onboarding; the round-trip's other
instance) and one configured for the integrations (SCIM, Slack, S3, an OIDC provider) with
one team org, the ops user's.

An example passes when its answers have the status the book gives ("Returns 204 No
Content", "→ 422"; else 2xx) and its body has every field the book shows with the value
the book shows, ids, timestamps and "..." placeholders aside (a shown list: each shown
element matches one answered element). The book's mistakes are in ERRATA and in
docs/errata.md, each checked to fail as written and to pass with its fix.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from tests import test_spec_curl as book
from tests.pg import use_postgres
from tests.support import Server, auth

pytestmark = book.pytestmark
STEPS = [s for s in book.CHAPTERS.get("04", []) if s.kind == "curl"]
RAW = (book.SPEC / "04-api-reference.txt").read_text().splitlines() if STEPS else []
SCIM_TOKEN = "scim-reference-token"
SLACK_SECRET = "reference-signing-secret"

PRELUDE = book.PRELUDE + r'''
_j() { command curl -s -H "Content-Type: application/json" "$@"; }
_id() { jq -r .id; }
_api() { local m=$1 p=$2; shift 2; _j -X "$m" "$BASE_URL/api/v1$p" -H "Authorization: Bearer $TOKEN" "$@"; }
_R=0
_reader() {  # a fresh user with one team org, a project READ and a ticket
  _R=$((_R + 1)); local reg
  reg=$(_j -X POST "$BASE_URL/api/v1/auth/register" -d "{\"email\": \"reader-$EX-$_R@alloy.dev\", \"password\": \"reader-pass1\", \"display_name\": \"Reader\"}")
  TOKEN=$(jq -r .access_token <<< "$reg"); USER_ID=$(jq -r .user_id <<< "$reg")
  ORG_ID=$(_api POST /orgs -d "{\"name\": \"Reader $EX $_R\", \"slug\": \"reader-$EX-$_R\"}" | _id)
  PROJECT_ID=$(_api POST /projects -d "{\"org_id\": \"$ORG_ID\", \"key\": \"READ\", \"name\": \"Reader\"}" | _id)
  TICKET_ID=$(_api POST "/projects/$PROJECT_ID/tickets" -d '{"title": "Reader ticket"}' | _id)
}
_alice() {  # the reference's Alice (registered once), logged in
  _j -X POST "$BASE_URL/api/v1/auth/register" -d '{"email": "alice@example.com", "password": "changeme123", "display_name": "Alice"}' > /dev/null
  local p; p=$(_j -X POST "$BASE_URL/api/v1/auth/login" -d '{"email": "alice@example.com", "password": "changeme123"}')
  TOKEN=$(jq -r .access_token <<< "$p"); USER_ID=$(jq -r .user_id <<< "$p"); REFRESH_TOKEN=$(jq -r .refresh_token <<< "$p")
}
_ops() {  # on the integrations server: its org's owner, a project and a ticket there
  BASE_URL=$INTEG_URL; TOKEN=$OPS_TOKEN; ORG_ID=$OPS_ORG_ID
  USER_ID=$(_api GET /auth/me | jq -r .user_id)
  PROJECT_ID=$(_api POST /projects -d "{\"org_id\": \"$ORG_ID\", \"key\": \"I$EX\", \"name\": \"Ops $EX\"}" | _id)
  TICKET_ID=$(_api POST "/projects/$PROJECT_ID/tickets" -d '{"title": "Ops ticket"}' | _id)
}
_my_project() { PROJECT_ID=$(_api POST /projects -d "{\"org_id\": \"$ORG_ID\", \"key\": \"PROJ\", \"name\": \"My Project\", \"description\": \"A sample project\"}" | _id); }
_fix_login() { TICKET_ID=$(_api POST "/projects/$PROJECT_ID/tickets" -d "{\"title\": \"Fix login bug\", \"description\": \"Users can't log in with SSO\", \"priority\": \"High\"}" | _id); }
_comment() { COMMENT_ID=$(_api POST "/tickets/$TICKET_ID/comments" -d '{"body": "This needs investigation."}' | _id); }
_label() { LABEL_ID=$(_api POST "/orgs/$ORG_ID/labels" -d '{"name": "bug", "color": "#FF0000"}' | _id); }
_sprint() { SPRINT_ID=$(_api POST "/projects/$PROJECT_ID/sprints" -d '{"name": "Sprint 1", "goal": "Complete MVP", "start_date": "2026-03-28", "end_date": "2026-04-11"}' | _id); }
_workflow() { WORKFLOW_ID=$(_api POST "/orgs/$ORG_ID/workflows" -d '{"name": "Simple Flow", "statuses": [{"name": "Todo", "category": "todo"}, {"name": "InProgress", "category": "in_progress"}, {"name": "Done", "category": "done"}], "transitions": [{"from": "Todo", "to": "InProgress"}, {"from": "InProgress", "to": "Done"}]}' | _id); }
_entry() { TIME_ENTRY_ID=$(_api POST /time-entries -d "{\"ticket_id\": \"$TICKET_ID\", \"date\": \"2026-03-28\", \"duration_minutes\": 120, \"description\": \"Investigated SSO bug\", \"activity_type\": \"Coding\"}" | _id); }
_rate() { LABOR_RATE_ID=$(_api POST /labor-rates -d "{\"user_id\": \"$USER_ID\", \"org_id\": \"$ORG_ID\", \"loaded_rate_cents\": 15000, \"effective_date\": \"2026-01-01\"}" | _id); }
_tags() { _api PUT "/orgs/$ORG_ID/project/$PROJECT_ID/tags" -d '{"tags": [{"key": "department", "value": "engineering"}, {"key": "environment", "value": "production"}]}' > /dev/null; }
_webhook() { WEBHOOK_ID=$(_api POST "/orgs/$ORG_ID/webhooks" -d '{"url": "https://example.com/hooks/alloy", "event_types": ["ticket.created", "ticket.updated"]}' | _id); }
_idp() { _api POST "/orgs/$ORG_ID/identity-providers" -d "{\"provider_type\": \"oidc\", \"provider_name\": \"okta\", \"issuer_url\": \"$IDP_URL\", \"client_id\": \"alloy-client\", \"client_secret\": \"s3cret\"}" > /dev/null; }
_scim() { command curl -s "$BASE_URL/scim/v2/$1" -H "Authorization: Bearer $SCIM_TOKEN" -H "Content-Type: application/json" -d "$2"; }
_scim_user() { USER_ID=$(_scim Users "{\"userName\": \"scim-$EX@example.com\", \"displayName\": \"Scim $EX\"}" | _id); }
'''
# What each example needs besides a fresh reader (`_reader` unless the set-up says
# otherwise: "" for none); the helpers are the PRELUDE's.
R = "_reader; "
SETUP: dict[int, str] = {
    156: "", 180: "_alice", 202: "_alice", 221: "_alice", 233: "_alice",
    273: R + "_api POST /api-keys -d '{\"name\": \"CI Key\", \"scopes\": [\"read\", \"write\"]}' > /dev/null",
    292: R + "API_KEY_ID=$(_api POST /api-keys -d '{\"name\": \"old\"}' | _id)",
    304: "", 319: "BASE_URL=$EMPTY_URL",
    377: R + "USER_ID=$(_j -X POST \"$BASE_URL/api/v1/auth/register\" -d \"{\\\"email\\\": \\\"member-$EX@alloy.dev\\\", \\\"password\\\": \\\"member-pass1\\\", \\\"display_name\\\": \\\"Member\\\"}\" | jq -r .user_id)",
    388: "_alice; ORG_ID=$(_api POST /orgs -d '{\"name\": \"Alice Org\", \"slug\": \"alice-org\"}' | _id)",
    423: R + "_api POST \"/orgs/$ORG_ID/invites\" -d '{\"email\": \"bob@example.com\", \"role\": \"member\"}' > /dev/null",
    432: R + "INVITE_ID=$(_api POST \"/orgs/$ORG_ID/invites\" -d '{\"email\": \"bob@example.com\"}' | _id)",
    490: R + "_my_project", 524: R + "_my_project", 582: R + "_my_project", 644: R + "_my_project",
    677: R + "_my_project; _fix_login", 715: R + "_my_project; _fix_login",
    855: R + "_api PATCH \"/tickets/$TICKET_ID\" -d '{\"priority\": \"High\"}' > /dev/null",
    916: R + "_comment", 938: R + "_comment", 956: R + "_comment", 976: R + "_comment",
    1013: R + "_label", 1034: R + "_label", 1052: R + "_label", 1073: R + "_label",
    1101: R + "_label", 1114: R + "_label", 1150: R + "_label",
    1133: R + "_label; _api POST \"/tickets/$TICKET_ID/labels/$LABEL_ID\" > /dev/null",
    1167: R + "_label; _api POST \"/tickets/$TICKET_ID/labels/$LABEL_ID\" > /dev/null",
    1214: R + "_sprint", 1238: R + "_sprint", 1261: R + "_sprint", 1283: R + "_sprint",
    1303: R + "_sprint; _api POST \"/sprints/$SPRINT_ID/start\" > /dev/null",
    1325: R + "_sprint", 1368: R + "_sprint", 1402: R + "_sprint",
    1520: R + "_workflow", 1549: R + "_workflow", 1589: R + "_workflow",
    1602: R + "_fix_login",
    1720: R + "_entry", 1748: R + "_entry", 1762: R + "_entry", 1776: R + "_entry",
    1787: R + "_entry", 1798: R + "_entry",
    1809: R + "_entry; _api POST \"/time-entries/$TIME_ENTRY_ID/submit\" > /dev/null",
    1820: R + "_entry; _api POST \"/time-entries/$TIME_ENTRY_ID/submit\" > /dev/null",
    1864: R + "_rate", 1875: R + "_rate", 1887: R + "_rate",
    1949: R + "_tags", 1970: R + "_tags", 1986: R + "_tags",
    # an export of one reader's org, imported by another reader
    2130: R + "_api GET \"/export?org_id=$ORG_ID\" > alloy-export.json; _reader",
    # "export from one instance and import into another": the empty server is the other
    2137: R + "SOURCE_URL=$BASE_URL; SOURCE_TOKEN=$TOKEN; _src=$ORG_ID; BASE_URL=$EMPTY_URL; "
          "_reader; TARGET_URL=$EMPTY_URL; TARGET_TOKEN=$TOKEN; ORG_ID=$_src",
    2197: R + "_webhook", 2206: R + "_webhook", 2222: R + "_webhook", 2234: R + "_webhook",
    2250: "_ops; _idp",
    2261: "_ops; _idp; _d=$(command curl -s \"$BASE_URL/api/v1/auth/sso/discover?org_id=$ORG_ID\"); "
          "_loc=$(command curl -s -o /dev/null -w '%{redirect_url}' \"$(jq -r .authorization_url <<< \"$_d\")\"); "
          "AUTH_CODE=$(jq -rn --arg u \"$_loc\" '$u | capture(\"[?&]code=(?<c>[^&]+)\").c'); "
          "STATE=$(jq -rn --arg u \"$_loc\" '$u | capture(\"[?&]state=(?<s>[^&]+)\").s')",
    2273: "_ops", 2282: "_ops", 2292: "_ops", 2327: "_ops",
    2303: "_ops; _scim_user", 2314: "_ops; _scim_user", 2337: "_ops; _scim_user",
    2348: "_ops; GROUP_ID=$(_scim Groups \"{\\\"displayName\\\": \\\"Group $EX\\\"}\" | _id)",
    2357: "_ops; GROUP_ID=$(_scim Groups \"{\\\"displayName\\\": \\\"Group $EX\\\"}\" | _id)",
    2443: "_ops", 2466: "_ops", 2484: "_ops", 2512: "_ops", 2533: "_ops", 2559: "_ops",
    2571: "", 2588: "",
}
# The book's mistakes (docs/errata.md, "API reference"): line -> (what goes wrong, the fix:
# bash run after the example in its subshell, `{example}` being its text).
_SIGNED = r"""_ts=$(date +%s)
_body='{"type": "url_verification", "challenge": "abc123"}'
_sig="v0=$(printf 'v0:%s:%s' "$_ts" "$_body" | openssl dgst -sha256 -hmac "$ALLOY_SLACK_SIGNING_SECRET" | sed 's/^.* //')"
curl -s "$BASE_URL/api/v1/integrations/slack/events" \
  -H "Content-Type: application/json" \
  -H "X-Slack-Request-Timestamp: $_ts" -H "X-Slack-Signature: $_sig" \
  -d "$_body" | jq ."""
_PRESIGNED = r"""_p=$(command curl -s "$BASE_URL/api/v1/tickets/$TICKET_ID/attachments/presign" \
  -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \
  -d '{"filename": "screenshot.png", "content_type": "image/png", "size_bytes": 102400}')
head -c 102400 /dev/zero > screenshot.png
command curl -s -X PUT "$(jq -r .upload_url <<< "$_p")" -H "Content-Type: image/png" --data-binary @screenshot.png > /dev/null
curl -s "$BASE_URL/api/v1/tickets/$TICKET_ID/attachments/confirm" \
  -H "Authorization: Bearer $TOKEN" \
  -H "Content-Type: application/json" \
  -d "{
    \"filename\": \"screenshot.png\",
    \"content_type\": \"image/png\",
    \"size_bytes\": 102400,
    \"s3_key\": \"$(jq -r .s3_key <<< "$_p")\",
    \"uploaded_by\": \"$USER_ID\"
  }" | jq ."""
ERRATA: dict[int, tuple[str, str]] = {
    2466: ("sent unsigned: 401 (Slack signs every request, the URL check too)", _SIGNED),
    2533: ("a made-up s3_key: 422 (confirm the key presign returned, after the upload)",
           _PRESIGNED),
}
# the book's health check runs on SQLite; on PostgreSQL `database` reads postgresql
EXPECTED_AS_RUN = {2571: {"database": "postgresql"} if use_postgres() else {}}
# fields whose values are made per call: ids, timestamps, keys, tokens, presigned URLs
SKIP = re.compile(r"(^|_)(id|at)$|^(timestamp|actor|s3_key|upload_url|key|access_token|"
                  r"refresh_token|secret|download_url)$")
PROSE_STATUS = re.compile(r"\b(\d{3}) (?:No Content|Created)\b|→ (\d{3})")


def prose_status(step: book.Step) -> int | None:
    """The status the sentence right after an example gives ("Returns 204 No Content")."""
    i = step.line - 1 + step.text.count("\n") + 1 + (step.doc.count("\n") + 1 if step.doc else 0)
    while i < len(RAW) and not RAW[i].strip():
        i += 1
    m = PROSE_STATUS.search(RAW[i]) if i < len(RAW) else None
    return int(m.group(1) or m.group(2)) if m else None


def differences(doc, got, path: str = "") -> list[str]:
    """Where `got` differs from the book's `doc` (ids, timestamps and "..." aside)."""
    if isinstance(doc, dict):
        if not isinstance(got, dict):
            return [f"{path or 'body'}: {type(got).__name__}, the book shows an object"]
        out = []
        for k, v in doc.items():
            if k not in got:
                out.append(f"{path}{k}: missing")
            elif isinstance(v, (dict, list)) or not SKIP.search(k):
                out += differences(v, got[k], f"{path}{k}.")
        return out
    if isinstance(doc, list):
        if isinstance(got, dict) and "items" in got:
            got = got["items"]  # DESIGN.md: every HTTP list is a page, where the book shows a list
        if not isinstance(got, list):
            return [f"{path or 'body'}: {type(got).__name__}, the book shows a list"]
        if not doc:
            return [] if not got else [f"{path or 'body'}: {len(got)} items, the book none"]
        return [f"{path}[{i}]: nothing like {json.dumps(d)}" for i, d in enumerate(doc)
                if not any(not differences(d, g) for g in got)]
    if isinstance(doc, str) and "..." in doc:
        return []
    return [] if doc == got else [f"{path.rstrip('.')}: {got!r}, the book shows {doc!r}"]


def script(urls: dict[str, str]) -> str:
    parts = [PRELUDE]
    for step in STEPS:
        n, text = step.line, step.text.replace("http://localhost:3000", urls["BASE_URL"])
        setup = SETUP.get(n, "_reader")
        block = (f'EX={n}\n( {setup}\n{{ {text}\n}} > "$OUT/{n}.out" 2> "$OUT/{n}.err"; '
                 f'echo $? > "$OUT/{n}.rc"')
        if n in ERRATA:
            fix = ERRATA[n][1].replace("{example}", text)
            block += (f'\nEX={n}-fix\n{{ {fix}\n}} > "$OUT/{n}-fix.out" 2> "$OUT/{n}-fix.err"; '
                      f'echo $? > "$OUT/{n}-fix.rc"')
        parts.append(block + "\n)")
    return "\n".join(parts) + "\n"


def judge(out: Path, step: book.Step, n: int | str) -> list[str]:
    """The example's problems: its statuses (book.problems), then its body's values."""
    status = step.status or prose_status(step)
    checked = book.Step(step.kind, step.line, step.text, step.doc, status)
    found = book.problems(out, checked, n)
    body = out / f"{n}.body"
    if found or not step.doc:
        return found
    try:
        doc = json.loads(step.doc)
        got = json.loads(body.read_text())
    except ValueError as e:
        return [f"not JSON: {e}"]
    if isinstance(doc, dict):
        doc = {**doc, **EXPECTED_AS_RUN.get(step.line, {})}
    return differences(doc, got)


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    from tests.fake_oidc import FakeIdP
    from tests.fake_s3 import FakeS3
    from tests.fake_slack import FakeSlack

    home = tmp_path_factory.mktemp("reference")
    idp, s3, slack = FakeIdP(), FakeS3(), FakeSlack()
    made = []
    try:
        for name, extra in (("main", {}), ("empty", {}), ("integ", {
                **s3.env, "ALLOY_SCIM_BEARER_TOKEN": SCIM_TOKEN,
                "ALLOY_SLACK_SIGNING_SECRET": SLACK_SECRET, "ALLOY_SLACK_BOT_TOKEN": slack.token,
                "ALLOY_SLACK_API_URL": slack.url})):
            (home / name).mkdir()
            made.append(Server(home / name, ALLOY_REGISTRATION="open", **extra))
        main, empty, integ = made
        ops = integ.http.post("/api/v1/auth/register", json={
            "email": "ops@example.com", "password": "ops-pass-1", "display_name": "Ops"}).json()
        org = integ.http.post("/api/v1/orgs", headers=auth(ops["access_token"]), json={
            "name": "Integrations", "slug": "integrations"}).json()["id"]
        yield {"BASE_URL": main.url, "EMPTY_URL": empty.url, "INTEG_URL": integ.url,
               "OPS_TOKEN": ops["access_token"], "OPS_ORG_ID": org, "IDP_URL": idp.url,
               "SCIM_TOKEN": SCIM_TOKEN, "ALLOY_SLACK_SIGNING_SECRET": SLACK_SECRET}
    finally:
        for srv in made:
            srv.stop()
        idp.stop(), s3.stop(), slack.stop()


@pytest.fixture(scope="module")
def ran(servers, tmp_path_factory) -> dict[int | str, list[str]]:
    """Run every example once: {line (or "<line>-fix"): problems} for those that fail."""
    tmp = tmp_path_factory.mktemp("reference-run")
    out = tmp / "out"
    out.mkdir()
    (tmp / "reference.sh").write_text(script(servers))
    subprocess.run(["bash", str(tmp / "reference.sh")], cwd=tmp, capture_output=True, text=True,
                   timeout=900, env={"OUT": str(out), "PATH": "/usr/bin:/bin", **servers})
    result = {s.line: judge(out, s, s.line) for s in STEPS}
    for n in ERRATA:
        step = next(s for s in STEPS if s.line == n)
        result[f"{n}-fix"] = judge(out, step, f"{n}-fix")
    return {n: p for n, p in result.items() if p}


def test_every_example_has_what_it_needs():
    assert len(STEPS) == 114
    assert set(SETUP) | set(ERRATA) <= {s.line for s in STEPS}
    assert {n: prose_status(s) for s in STEPS if (n := s.line) in (221, 292, 2146, 2292)} == {
        221: 204, 292: 204, 2146: 422, 2292: 201}


def test_the_reference_runs_example_by_example(ran):
    wrong = {n: p for n, p in ran.items() if n not in ERRATA}
    assert not wrong, wrong
    assert set(ERRATA) <= set(ran), f"errata that pass as written: {set(ERRATA) - set(ran)}"


def test_the_differences_are_seen():
    """The check can fail: a wrong value, a missing field, a list without the shown item."""
    doc = {"id": "1...", "name": "CI Key", "scopes": ["read", "write"], "project_ids": [],
           "created_at": "2026-03-28-..."}
    good = {"id": "x", "name": "CI Key", "scopes": ["read", "write"], "project_ids": [],
            "created_at": "2026-12-05"}
    assert differences(doc, good) == []
    assert differences(doc, {**good, "name": "Other"}) == ["name: 'Other', the book shows 'CI Key'"]
    assert differences(doc, {**good, "scopes": ["read"]})
    assert differences(doc, {**good, "project_ids": ["p"]})
    assert differences(doc, {k: v for k, v in good.items() if k != "name"}) == ["name: missing"]
    assert differences([{"name": "bug"}], {"items": []})

