"""Every `alloy ...` line of the book's guides, use cases, playbooks and walkthroughs works.

The lines are extracted from the spec (chapters 10-16, 20-26, 30-33, 40, 44): lines that
start with `alloy` (after `VAR=value` prefixes and a path such as ./target/release/alloy),
"CLI shortcut: alloy ...", `\\` continuations joined, and two commands run together on one
line (chapter 44's flattened layout) split apart. Each one must parse against the real click
command tree: the command exists, every flag is accepted, arguments fit. The chapters that
tell a story are then run in order, in-process, in a fresh embedded environment; the steps
the book does with curl are stood in for by the CLI commands listed in STORIES.

The spec lives beside the repository (../shared/spec, or ALLOY_SPEC_DIR); without it the
module is skipped. Book errors the CLI should not paper over are listed in docs/errata.md.
"""

from __future__ import annotations

import inspect
import os
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support import ROOT, base_env, cli

SPEC = Path(os.environ.get("ALLOY_SPEC_DIR") or ROOT.parent / "shared" / "spec")
CHAPTER = re.compile(r"^(1[0-6]|2[0-6]|3[0-3]|40|44)-.*\.txt$")
pytestmark = pytest.mark.skipif(not SPEC.is_dir(), reason=f"no spec at {SPEC}")

# Extracted text that is not a command line: (chapter, line, text) -> why it is not checked.
PROSE = {
    ("31", 104, "alloy project list and"):
        "a sentence naming two commands: 'CLI shortcut: alloy project list and alloy project "
        "update'",
    ("31", 104, "alloy project update"):
        "the same sentence: names the command, with no project or field to change",
}
# Lines that start a server: parsed, not run (a test server has its own fixture).
NOT_RUN = {"serve"}


@dataclass(frozen=True)
class Line:
    chapter: str
    number: int
    text: str

    def __str__(self) -> str:
        return f"{self.chapter}:{self.number}: {self.text}"


def _chapters() -> list[Path]:
    return sorted(p for p in SPEC.glob("*.txt") if CHAPTER.match(p.name)) if SPEC.is_dir() \
        else []


def extract(path: Path) -> list[Line]:
    """The CLI lines of one chapter, in order."""
    raw, found, i = path.read_text(encoding="utf-8").splitlines(), [], 0
    while i < len(raw):
        number, text = i + 1, raw[i]
        while text.rstrip().endswith("\\") and i + 1 < len(raw):
            i += 1
            text = text.rstrip()[:-1] + " " + raw[i].strip()
        i += 1
        text = text.strip().removeprefix("$ ")
        text = text.removeprefix("CLI shortcut:").strip()
        words = text.split()
        while words and re.match(r"^[A-Z_][A-Z0-9_]*=\S*$", words[0]):
            words.pop(0)
        if not words or not (words[0] == "alloy" or words[0].endswith("/alloy")):
            continue
        command = " ".join(["alloy", *words[1:]])
        for part in re.split(r"\s+(?=alloy\s)", command):
            found.append(Line(path.name[:2], number, " ".join(part.split())))
    return found


LINES = [line for path in _chapters() for line in extract(path)]
CHECKED = [line for line in LINES if (line.chapter, line.number, line.text) not in PROSE]

PLACEHOLDER = "0190a3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b"  # any UUID stands for $ORG_ID, $TICKET_ID...


def argv(text: str, values: dict[str, str] | None = None) -> list[str]:
    """A line's words after `alloy`, with $VAR / ${VAR} replaced as a shell would."""
    def value(m: re.Match) -> str:
        name = m.group(1) or m.group(2)
        if values is None:
            return PLACEHOLDER
        if name not in values:
            raise AssertionError(f"${name} is not set at this point of the story")
        return values[name]

    return shlex.split(re.sub(r"\$\{([A-Z_]+)\}|\$([A-Z_]+)", value, text))[1:]


def parse(args: list[str]):
    """Parse `alloy ARGS` against the real command tree, all the way down, without running it."""
    from alloy.cli.main import _lift_globals, command

    cmd = command()
    ctx = cmd.make_context("alloy", _lift_globals(args), resilient_parsing=False)
    while hasattr(cmd, "commands"):
        rest = [*getattr(ctx, "_protected_args", getattr(ctx, "protected_args", [])), *ctx.args]
        name, cmd, rest = cmd.resolve_command(ctx, rest)
        ctx = cmd.make_context(name, rest, parent=ctx, resilient_parsing=False)
    return ctx


def test_the_extraction_finds_the_books_lines():
    by_chapter = {}
    for line in LINES:
        by_chapter[line.chapter] = by_chapter.get(line.chapter, 0) + 1
    # 44 flattens pairs of commands onto one line: split, it has as many as 40.
    assert by_chapter["40"] == by_chapter["44"] == 17
    assert by_chapter["30"] == 10 and by_chapter["32"] == 7 and by_chapter["22"] == 2
    assert all(line.text.startswith("alloy ") for line in LINES)
    assert set(PROSE) <= {(x.chapter, x.number, x.text) for x in LINES}, "stale PROSE entry"
    assert set(ERRATA) <= {(x.chapter, x.text) for x in LINES}, "stale ERRATA entry"


@pytest.mark.parametrize("line", CHECKED, ids=str)
def test_line_parses(line):
    ctx = parse(argv(line.text))
    assert ctx.command_path.startswith("alloy ")


U = PLACEHOLDER
# (the reference's spelling, the guides' spelling): both parse to the same command and values.
ALIASES = [
    (f"project create --org-id {U} --key K --name N", f"project create --org {U} --key K --name N"),
    (f"project list --org-id {U}", f"project list --org {U}"),
    (f"workflow create --org-id {U} --name W", f"workflow create --org {U} --name W"),
    (f"workflow list --org-id {U}", f"workflow list --org {U}"),
    (f"ticket update K-1 --assignee-id {U}", f"ticket update K-1 --assignee {U}"),
    (f"ticket create --assignee-id {U}", f"ticket create --assignee {U}"),
    (f"ticket list --assignee-id {U}", f"ticket list --assignee {U}"),
    (f"ticket batch-update --ticket-ids K-1 --assignee-id {U}",
     f"ticket batch-update --ticket-ids K-1 --assignee {U}"),
    ("sprint create --name S --start-date 2026-04-01 --end-date 2026-04-15",
     "sprint create --name S --start 2026-04-01 --end 2026-04-15"),
    ("sprint update S --start-date 2026-04-01 --end-date 2026-04-15",
     "sprint update S --start 2026-04-01 --end 2026-04-15"),
    (f"invite create --org-id {U} --email a@b.c --role Member",
     f"org invite create --org {U} --email a@b.c --role Member"),
    (f"invite list --org-id {U}", f"org invite list --org {U}"),
    (f"invite revoke {U} --org-id {U}", f"org invite revoke {U} --org {U}"),
    (f"org members --org-id {U}", f"org members list --org {U}"),
]


@pytest.mark.parametrize(("reference", "guide"), ALIASES, ids=[a[1] for a in ALIASES])
def test_alias_means_the_reference_spelling(reference, guide):
    ref, alias = parse(shlex.split(reference)), parse(shlex.split(guide))
    assert inspect.unwrap(ref.command.callback) is inspect.unwrap(alias.command.callback)
    if guide.startswith("org members list"):  # the word `list` is dropped when run
        assert alias.params.pop("org") == "list" and ref.params.pop("org") is None
    assert ref.params == alias.params


# ----------------------------------------------------------------------------------------
# The stories. Before the book line numbered N, STORIES[chapter][N] runs these CLI steps
# (standing in for the book's curl steps); `VAR=` at the front binds VAR to the step's
# output "id". Book lines bind nothing by themselves except
# `<noun> create`, which sets <NOUN>_ID when it is not set yet, as the book's
# `<NOUN>_ID="<id from above>"` does.
BUG_TRIAGE = (
    '[{"name":"New","category":"backlog"},{"name":"Triaged","category":"todo"},'
    '{"name":"Fixing","category":"in_progress"},{"name":"Verifying","category":"in_review"},'
    '{"name":"Closed","category":"done"},{"name":"WontFix","category":"cancelled"}]',
    '[{"from":"New","to":"Triaged"},{"from":"New","to":"WontFix"},'
    '{"from":"Triaged","to":"Fixing"},{"from":"Triaged","to":"WontFix"},'
    '{"from":"Fixing","to":"Verifying"},{"from":"Fixing","to":"Triaged"},'
    '{"from":"Verifying","to":"Closed"},{"from":"Verifying","to":"Fixing"}]')
PLATFORM_FLOW = (
    '[{"name":"Backlog","category":"todo"},{"name":"Ready","category":"todo"},'
    '{"name":"InProgress","category":"in_progress"},{"name":"InReview","category":"in_progress"},'
    '{"name":"Done","category":"done"}]',
    '[{"from":"Backlog","to":"Ready"},{"from":"Ready","to":"InProgress"},'
    '{"from":"InProgress","to":"InReview"},{"from":"InReview","to":"Done"},'
    '{"from":"InReview","to":"InProgress"}]')
EMAIL, PASSWORD = "walkthrough@alloy.dev", "walkthrough1"


def _workflow_story(ticket_line: int) -> dict[int, list[str]]:
    """Chapters 12 and 16 (two editions): org, project and the Bug Triage workflow by curl,
    then the ticket of section 6 just before its transition."""
    return {0: ['ORG_ID= org create --name "Workflow Guide Org" --slug wf-guide',
                "org switch $ORG_ID",
                'PROJECT_ID= project create --key WF --name "Workflow Project"',
                'WORKFLOW_ID= workflow create --name "Bug Triage" --enforcement strict '
                f"--statuses '{BUG_TRIAGE[0]}' --transitions '{BUG_TRIAGE[1]}'"],
            ticket_line: ['TICKET_ID= ticket create --project WF --title "Fix login timeout" '
                          "--priority High"]}


STORIES: dict[str, dict[int, list[str]]] = {
    "10": {0: ['ORG_ID= org create --name "Guide Org" --slug guide-org',
               "org switch $ORG_ID"],
           303: ['ticket create --project $PROJECT_ID --title "Write API docs"']},
    "11": {0: ['ORG_ID= org create --name "Sprint Guide Org" --slug sprint-guide',
               "org switch $ORG_ID",
               'PROJECT_ID= project create --key SB --name "Sprint Board Project"',
               'TICKET_ID= ticket create --project SB --title "Design landing page"',
               'ticket create --project SB --title "Set up database schema"']},
    "12": _workflow_story(288),
    "16": _workflow_story(298),
    "14": {0: ['ORG_ID= org create --name "Permissions Guide Org" --slug perm-guide',
               "org switch $ORG_ID"],
           234: ['PROJECT_ID= project create --key PERM --name "Permissions Demo"']},
    "30": {0: ['ORG_ID= org create --name "Payments" --slug payments', "org switch $ORG_ID",
               'PROJECT_ID= project create --key PAY --name "Payments"',
               'TICKET_ID= ticket create --project PAY --title "Stripe checkout"']},
    "32": {0: ['ORG_ID= org create --name "Platform" --slug platform', "org switch $ORG_ID"],
           # errata: §4's workflow with the statuses and rules of its curl call
           177: [f"workflow update $WORKFLOW_ID --enforcement strict --statuses "
                 f"'{PLATFORM_FLOW[0]}' --transitions '{PLATFORM_FLOW[1]}'"],
           403: ['TICKET_ID= ticket create --project PLAT --title "Provision CI runners"']},
    "13": {0: ['ORG_ID= org create --name "Finance Org" --slug fin-org', "org switch $ORG_ID",
               'project create --key FIN --name "Finance"',
               'ticket create --project FIN --title "Ledger export"']},
    "15": {0: ['ORG_ID= org create --name "Labels Org" --slug labels-org', "org switch $ORG_ID",
               'project create --key LT --name "Labels"',
               'TICKET_ID= ticket create --project LT --title "Tag me"']},
    "20": {0: ['ORG_ID= org create --name "Eng Org" --slug eng-org', "org switch $ORG_ID",
               'project create --key PROJ --name "Onboarding"']},
    "26": {0: ['ORG_ID= org create --name "Eng Org" --slug eng-org', "org switch $ORG_ID",
               'project create --key PROJ --name "Onboarding"']},
    "31": {0: ['ORG_ID= org create --name "Finance Org" --slug q-finance', "org switch $ORG_ID",
               'PROJECT_ID= project create --key Q --name "Quarter"'],
           # errata: §2's "alloy project list and alloy project update", written out
           104: ["project list",
                 "project update $PROJECT_ID --cap-type capex --phase app-development "
                 "--cost-center-id ENG-002 --budget-cents 10000000 --budget-period quarterly",
                 # §3: the CLI for the labor rates the chapter sets with curl
                 "labor-rate set --user $USER_ID --rate 175 --effective-date 2026-01-01",
                 "labor-rate list --user $USER_ID"]},
    "40": {},
    "44": {},
}
# Book lines that fail because the book is wrong (docs/errata.md): (chapters, line as
# extracted) -> (the exit code it must give as written, the corrected steps run instead).
_ERRATA = [
    # the project now uses the strict Bug Triage workflow, which has no InProgress status
    (("12", "16"), 'alloy ticket transition "$TICKET_ID" --to-status InProgress',
     7, ['ticket transition "$TICKET_ID" --to-status Triaged']),
    # the workflow is still assigned to the project (the chapter's own 409 case)
    (("12", "16"), 'alloy workflow delete "$WORKFLOW_ID"',
     6, ["project update $PROJECT_ID --workflow-id none", 'workflow delete "$WORKFLOW_ID"']),
    # no --project and no default project: a terminal asks which; a script must say
    (("40", "44"), 'alloy ticket create --title "Set up CI pipeline" --priority high',
     2, ['ticket create --project $PROJECT_ID --title "Set up CI pipeline" --priority high']),
    (("40", "44"), 'alloy ticket create --title "Fix login redirect" --status InProgress '
     '--priority high', 2, ['ticket create --project $PROJECT_ID --title "Fix login redirect" '
                            '--status InProgress --priority high']),
]
ERRATA = {(chapter, text): (code, fix) for chapters, text, code, fix in _ERRATA
          for chapter in chapters}
NOUNS = {"org": "ORG_ID", "project": "PROJECT_ID", "ticket": "TICKET_ID",
         "sprint": "SPRINT_ID", "label": "LABEL_ID", "workflow": "WORKFLOW_ID",
         "comment": "COMMENT_ID"}


def _run(text: str, env: dict, values: dict, bind: str | None = None, line=None,
         code: int = 0) -> None:
    args = argv("alloy " + text if not text.startswith("alloy ") else text, values)
    done = cli([*args, "--format", "json"], env, check=False)
    assert done.returncode == code, f"{line or text}\n-> exit {done.returncode}: {done.stderr}"
    data = done.data if isinstance(done.data, dict) else {}
    if bind:
        values[bind.rstrip("=")] = data["id"]
    elif len(args) > 1 and args[1] == "create" and args[0] in NOUNS and "id" in data:
        values.setdefault(NOUNS[args[0]], data["id"])


def test_errata_lines_parse():
    """The fixes docs/errata.md gives are real command lines too (the stories run them)."""
    text = (ROOT / "docs" / "errata.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```text\n(.*?)^```", text, re.S | re.M)
    lines = [" ".join(x.split()) for x in "\n".join(blocks).replace("\\\n", " ").splitlines()]
    commands = [x.split(" # ")[0] for x in lines if x.startswith("alloy ")]
    assert len(commands) == 15
    for command in commands:
        parse(argv(command))


def test_every_chapter_with_commands_is_a_story():
    """A chapter whose CLI lines go beyond starting the server is run, not only parsed."""
    runnable = {x.chapter for x in CHECKED if argv(x.text)[0] not in NOT_RUN}
    assert runnable == set(STORIES)


def _stand_in(step: str, env: dict, values: dict) -> None:
    bind, _, text = step.partition(" ")
    if not re.match(r"^[A-Z_]+=$", bind):
        bind, text = None, step
    _run(text, env, values, bind)


@pytest.mark.parametrize("chapter", sorted(STORIES))
def test_story_runs_as_written(chapter, tmp_path):
    """The chapter's CLI lines, in order, in a fresh embedded environment (the user the book
    registers over HTTP is onboarded first, in an org of their own)."""
    env = base_env(tmp_path)
    cli(["onboard", "--email", EMAIL, "--password", PASSWORD, "--org-name", "Home",
         "--org-slug", "home"], env)
    cli(["auth", "login", "--email", EMAIL, "--password", PASSWORD], env)
    values = {"USER_ID": cli(["auth", "me"], env).data["user_id"]}
    steps, lines = dict(STORIES[chapter]), [x for x in CHECKED if x.chapter == chapter]
    ran = 0
    for line in lines:
        for before in sorted(n for n in steps if n <= line.number):
            for step in steps.pop(before):
                _stand_in(step, env, values)
        if argv(line.text, values)[0] in NOT_RUN:
            continue
        code, fixed = ERRATA.get((line.chapter, line.text), (0, []))
        _run(line.text, env, values, line=line, code=code)
        for step in fixed:
            _run(step, env, values)
        ran += 1
    for before in sorted(steps):  # after the last command line (e.g. a prose shortcut's fix)
        for step in steps.pop(before):
            _stand_in(step, env, values)
    assert ran == len([x for x in lines if argv(x.text)[0] not in NOT_RUN]) > 0
