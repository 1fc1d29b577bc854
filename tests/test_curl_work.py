"""Chapter 41 (API automation with curl and jq), run as written with bash, curl and jq.

Only BASE_URL changes (the test server's port). The onboarding script runs first because
`POST /api/v1/onboard` only works on a server without users.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from alloy import ops
from tests.support import Server

pytestmark = pytest.mark.skipif(not (shutil.which("curl") and shutil.which("jq")),
                                reason="needs curl and jq")

TRANSITIONS = "transitions" in ops.MODULES

CHAINING = r'''
set -euo pipefail
# Step 1: Onboard — create the first org and admin user
ONBOARD=$(curl -s -X POST "$BASE_URL/api/v1/onboard" \
  -H "Content-Type: application/json" \
  -d '{
    "email": "admin@acme.dev",
    "password": "changeme123",
    "org_name": "Acme Corp",
    "org_slug": "acme"
  }')

ORG_ID=$(echo "$ONBOARD" | jq -r '.org_id')
API_KEY=$(echo "$ONBOARD" | jq -r '.api_key')
USER_ID=$(echo "$ONBOARD" | jq -r '.user_id')

echo "Org:  $ORG_ID"
echo "Key:  $API_KEY"

# Step 2: Login to get a bearer token
TOKEN=$(curl -s -X POST "$BASE_URL/api/v1/auth/login" \
  -H "Content-Type: application/json" \
  -d '{
    "email": "admin@acme.dev",
    "password": "changeme123"
  }' | jq -r '.access_token')

# Step 3: Create a project
PROJECT_ID=$(curl -s -X POST "$BASE_URL/api/v1/projects" \
  -H "Authorization: Bearer $TOKEN" \
  -H "Content-Type: application/json" \
  -d "{
    \"org_id\": \"$ORG_ID\",
    \"key\": \"AUTO\",
    \"name\": \"Automation Project\"
  }" | jq -r '.id')

echo "Project: $PROJECT_ID"

# Step 4: Create a ticket in the project
TICKET_ID=$(curl -s -X POST "$BASE_URL/api/v1/projects/$PROJECT_ID/tickets" \
  -H "Authorization: Bearer $TOKEN" \
  -H "Content-Type: application/json" \
  -d "{
    \"title\": \"First automated ticket\",
    \"description\": \"Created by the chaining script\",
    \"priority\": \"High\",
    \"reporter_id\": \"$USER_ID\"
  }" | jq -r '.id')

echo "Ticket: $TICKET_ID"
'''

TRANSITION = r'''
# Step 5: Transition the ticket to InProgress
curl -s -X POST "$BASE_URL/api/v1/tickets/$TICKET_ID/transition" \
  -H "Authorization: Bearer $TOKEN" \
  -H "Content-Type: application/json" \
  -d '{"to_status": "InProgress"}' | jq -c '{id: .id, title: .title, status: .status}'
'''

CAPTURING = r'''
USER_ID=$(curl -s -X POST "$BASE_URL/api/v1/auth/register" \
  -H "Content-Type: application/json" \
  -d '{
    "email": "auto@alloy.dev",
    "password": "automation1",
    "display_name": "Automation User"
  }' | jq -r '.user_id')

echo "Registered: $USER_ID"

FIRST_PROJECT_ID=$(curl -s "$BASE_URL/api/v1/projects?org_id=$ORG_ID" \
  -H "Authorization: Bearer $TOKEN" | jq -r '.items[0].id')

echo "First project: $FIRST_PROJECT_ID"
'''

BULK = r'''
TITLES=("Set up CI pipeline" "Write unit tests" "Update README" "Add logging" "Deploy to staging")

for title in "${TITLES[@]}"; do
  TICKET_ID=$(curl -s -X POST "$BASE_URL/api/v1/projects/$PROJECT_ID/tickets" \
    -H "Authorization: Bearer $TOKEN" \
    -H "Content-Type: application/json" \
    -d "{
      \"title\": \"$title\",
      \"priority\": \"Medium\",
      \"reporter_id\": \"$USER_ID\"
    }" | jq -r '.id')

  echo "Created ticket $TICKET_ID: $title"
done

printf 'Fix login timeout\nAdd password reset flow\nUpdate error messages\n\nRefactor auth middleware\nAdd rate limiting\n' > tickets.txt
while IFS= read -r title; do
  [ -z "$title" ] && continue

  RESULT=$(curl -s -X POST "$BASE_URL/api/v1/projects/$PROJECT_ID/tickets" \
    -H "Authorization: Bearer $TOKEN" \
    -H "Content-Type: application/json" \
    -d "{
      \"title\": \"$title\",
      \"priority\": \"Medium\",
      \"reporter_id\": \"$USER_ID\"
    }")

  echo "$RESULT" | jq -c '{id: .id, title: .title, ticket_number: .ticket_number}'
done < tickets.txt
'''

HELPERS = r'''
ALLOY_BASE_URL="$BASE_URL"
ALLOY_TOKEN="$TOKEN"
alloy_get() {
  local path="$1"
  shift
  curl -s "$ALLOY_BASE_URL$path" \
    -H "Authorization: Bearer $ALLOY_TOKEN" \
    "$@"
}
alloy_post() {
  local path="$1"
  local data="$2"
  shift 2
  curl -s -X POST "$ALLOY_BASE_URL$path" \
    -H "Authorization: Bearer $ALLOY_TOKEN" \
    -H "Content-Type: application/json" \
    -d "$data" \
    "$@"
}
alloy_patch() {
  local path="$1"
  local data="$2"
  shift 2
  curl -s -X PATCH "$ALLOY_BASE_URL$path" \
    -H "Authorization: Bearer $ALLOY_TOKEN" \
    -H "Content-Type: application/json" \
    -d "$data" \
    "$@"
}
alloy_get "/api/v1/projects?org_id=$ORG_ID" | jq -c '.items[].name'
HELPED=$(alloy_post "/api/v1/projects/$PROJECT_ID/tickets" "{
  \"title\": \"Created with helper\",
  \"reporter_id\": \"$USER_ID\"
}")
echo "$HELPED" | jq -c '{title: .title, status: .status}'
alloy_patch "/api/v1/tickets/$(echo "$HELPED" | jq -r .id)" '{"status": "Done"}' | jq -c '{status: .status}'
'''

ERRORS = r'''
HTTP_RESPONSE=$(curl -s -w "\n%{http_code}" -X POST "$BASE_URL/api/v1/projects" \
  -H "Authorization: Bearer $TOKEN" \
  -H "Content-Type: application/json" \
  -d '{"org_id": "invalid", "key": "BAD", "name": "Test"}')

HTTP_BODY=$(echo "$HTTP_RESPONSE" | sed '$d')
HTTP_STATUS=$(echo "$HTTP_RESPONSE" | tail -1)
echo "Error (HTTP $HTTP_STATUS):"
echo "$HTTP_BODY" | jq -c '.error'

alloy_request() {
  local method="$1"
  local path="$2"
  local data="${3:-}"

  local args=(-s -w "\n%{http_code}" -X "$method"
    "$BASE_URL$path"
    -H "Authorization: Bearer $TOKEN")

  if [ -n "$data" ]; then
    args+=(-H "Content-Type: application/json" -d "$data")
  fi

  local response
  response=$(curl "${args[@]}")

  local body
  body=$(echo "$response" | sed '$d')
  local status
  status=$(echo "$response" | tail -1)

  if [ "$status" -ge 200 ] && [ "$status" -lt 300 ]; then
    echo "$body"
  else
    echo "ERROR: HTTP $status — $(echo "$body" | jq -r '.error.message // "Unknown error"')" >&2
    return 1
  fi
}
echo "Projects: $(alloy_request GET "/api/v1/projects?org_id=$ORG_ID" | jq '.items | length')"
alloy_request POST "/api/v1/projects/$PROJECT_ID/tickets" \
  "{\"title\": \"Safe ticket\", \"reporter_id\": \"$USER_ID\"}" | jq -c '{title: .title, status: .status}'
'''

CI = r'''
CI_KEY=$(curl -s "$BASE_URL/api/v1/api-keys" \
  -H "Authorization: Bearer $TOKEN" \
  -H "Content-Type: application/json" \
  -d '{"name": "CI Key", "scopes": ["read", "write"]}' | jq -r '.key')
(
  ALLOY_BASE_URL="$BASE_URL" ALLOY_API_KEY="$CI_KEY" ALLOY_PROJECT_ID="$PROJECT_ID"
  BASE_URL="${ALLOY_BASE_URL:?ALLOY_BASE_URL must be set}"
  TOKEN="${ALLOY_API_KEY:?ALLOY_API_KEY must be set}"
  PROJECT_ID="${ALLOY_PROJECT_ID:?ALLOY_PROJECT_ID must be set}"
  TICKET=$(curl -s -w "\n%{http_code}" -X POST "$BASE_URL/api/v1/projects/$PROJECT_ID/tickets" \
    -H "Authorization: Bearer $TOKEN" \
    -H "Content-Type: application/json" \
    -d "{
      \"title\": \"CI build #${CI_BUILD_NUMBER:-local}\",
      \"description\": \"Automated ticket from CI pipeline\",
      \"priority\": \"Low\",
      \"reporter_id\": \"$USER_ID\"
    }")
  BODY=$(echo "$TICKET" | sed '$d')
  STATUS=$(echo "$TICKET" | tail -1)
  if [ "$STATUS" -ge 200 ] && [ "$STATUS" -lt 300 ]; then
    echo "Ticket created: $(echo "$BODY" | jq -r '.title')"
  else
    echo "Failed to create ticket (HTTP $STATUS):" >&2
    exit 1
  fi
)
'''

BACKLOG = r'''
printf '%s\n' "Implement user avatars" "Add dark mode support" "Fix pagination on mobile" \
  "Optimize database queries" "Add export to PDF" "Implement webhook retries" \
  "Add team permissions" "Create onboarding wizard" "Fix timezone handling" \
  "Add bulk ticket import" > backlog.txt
PROJECT_ID=$(curl -s -X POST "$BASE_URL/api/v1/projects" \
  -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \
  -d "{\"org_id\": \"$ORG_ID\", \"key\": \"BACKLOG\", \"name\": \"Backlog\"}" | jq -r '.id')
COUNT=0
while IFS= read -r title; do
  [ -z "$title" ] && continue

  RESULT=$(curl -s -w "\n%{http_code}" -X POST \
    "$BASE_URL/api/v1/projects/$PROJECT_ID/tickets" \
    -H "Authorization: Bearer $TOKEN" \
    -H "Content-Type: application/json" \
    -d "{
      \"title\": \"$title\",
      \"priority\": \"Medium\",
      \"reporter_id\": \"$USER_ID\"
    }")

  BODY=$(echo "$RESULT" | sed '$d')
  STATUS=$(echo "$RESULT" | tail -1)

  if [ "$STATUS" -ge 200 ] && [ "$STATUS" -lt 300 ]; then
    COUNT=$((COUNT + 1))
    echo "[$COUNT] Created: $(echo "$BODY" | jq -r '.title') #$(echo "$BODY" | jq -r '.ticket_number')"
  else
    echo "FAILED: $title (HTTP $STATUS)" >&2
  fi
done < backlog.txt

echo "Created $COUNT tickets."
'''

MOVE = r'''
for i in 1 2 3; do
  curl -s -X POST "$BASE_URL/api/v1/projects/$PROJECT_ID/tickets" \
    -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \
    -d "{\"title\": \"wip $i\", \"status\": \"InProgress\"}" > /dev/null
done
CURSOR=""
MOVED=0

while true; do
  QUERY="status=InProgress&limit=2"
  [ -n "$CURSOR" ] && QUERY="$QUERY&cursor=$CURSOR"

  RESPONSE=$(curl -s "$BASE_URL/api/v1/projects/$PROJECT_ID/tickets?$QUERY" \
    -H "Authorization: Bearer $TOKEN")

  TICKET_IDS=$(echo "$RESPONSE" | jq -r '.items[].id')

  for TICKET_ID in $TICKET_IDS; do
    curl -s -X POST "$BASE_URL/api/v1/tickets/$TICKET_ID/transition" \
      -H "Authorization: Bearer $TOKEN" \
      -H "Content-Type: application/json" \
      -d '{"to_status": "Done"}' | jq -c '{id: .id, title: .title, status: .status}'

    MOVED=$((MOVED + 1))
  done

  HAS_MORE=$(echo "$RESPONSE" | jq -r '.has_more')
  if [ "$HAS_MORE" != "true" ]; then
    break
  fi
  CURSOR=$(echo "$RESPONSE" | jq -r '.next_cursor')
done

echo "Moved $MOVED tickets to Done."
'''


def test_api_automation_tutorial(tmp_path):
    home = tmp_path / "srv"
    home.mkdir()
    srv = Server(home, ALLOY_REGISTRATION="open")
    try:
        script = CHAINING + (TRANSITION if TRANSITIONS else "") + CAPTURING + BULK + HELPERS
        script += ERRORS + CI + BACKLOG + (MOVE if TRANSITIONS else "")
        proc = subprocess.run(["bash", "-c", script], cwd=tmp_path, capture_output=True,
                              text=True, timeout=120, env={"BASE_URL": srv.url,
                                                           "PATH": "/usr/bin:/bin"})
    finally:
        srv.stop()
    out = proc.stdout
    assert proc.returncode == 0, proc.stderr + out
    lines = out.splitlines()
    assert lines[0].startswith("Org:  ") and lines[1].startswith("Key:  alloy_live_")
    assert any(line.startswith("Project: ") and len(line) == 9 + 36 for line in lines)
    assert any(line.startswith("Ticket: ") and len(line) == 8 + 36 for line in lines)
    if TRANSITIONS:
        assert '"status":"InProgress"' in out
        assert "Moved 3 tickets to Done." in out
    assert sum(line.startswith("Created ticket ") for line in lines) == 5
    numbers = [line for line in lines if '"ticket_number"' in line]
    assert [int(n.rsplit(":", 1)[1].rstrip("}")) for n in numbers] == [7, 8, 9, 10, 11]
    assert '"Automation Project"' in out
    assert '{"title":"Created with helper","status":"Backlog"}' in out
    assert '{"status":"Done"}' in out
    assert "Error (HTTP 404):" in out and '"code":"NOT_FOUND"' in out
    assert "Projects: 1" in out
    assert '{"title":"Safe ticket","status":"Backlog"}' in out
    assert "Ticket created: CI build #local" in out
    assert "[10] Created: Add bulk ticket import #10" in out and "Created 10 tickets." in out
