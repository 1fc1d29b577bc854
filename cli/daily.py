"""Quick verbs for the working day: `alloy start|stop|done|branch [TICKET]`.

A verb without a ticket takes the one the current git branch names (`back-12-fix-login`,
`feature/BACK-12`, `BACK-12`). The timer behind start/stop is the server's (`timers.*`
operations), so it survives restarts and is the same embedded and remote; the status moves
go through the workflow like any transition, so a strict workflow can refuse them.
"""

import re
import subprocess
import sys

import typer
from alloy.cli.common import run, shown
from alloy.cli.output import UsageError, emit, fmt
from alloy.cli.refs import resolve

_TICKET = typer.Argument(None, metavar="[TICKET]", help="KEY-N, number or UUID; default: the "
                         "ticket the current git branch names.")
_ACTIVITY = typer.Option(None, "--activity", "--activity-type", help="Activity of the logged "
                         "time (default: that of your last time entry).")
_NOTE = typer.Option(None, "--description", "-m", help="Description of the logged time.")
# A branch names a ticket in one of its `/` segments: `back-12-fix-login`, `BACK-12`.
_BRANCH_REF = r"^([A-Za-z][A-Za-z0-9]{0,9})-(\d+)(?:[-_.].*)?$"  # compiled on use


def branch_ref(branch: str) -> str | None:
    """The `KEY-N` a git branch name carries, if any (the last segment that has one)."""
    for segment in reversed(branch.split("/")):
        found = re.match(_BRANCH_REF, segment)
        if found:
            return f"{found[1].upper()}-{found[2]}"
    return None


def _git(*args: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", *args], capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise UsageError("git is not installed") from None


def _current_branch() -> str | None:
    done = _git("rev-parse", "--abbrev-ref", "HEAD")
    return done.stdout.strip() if done.returncode == 0 else None


def _ticket(ref: str | None, verb: str):
    """The ticket (a `Ticket`) a verb is about: the argument, else the current git branch's."""
    if not ref:
        branch = _current_branch()
        ref = branch_ref(branch or "")
        if not ref:
            where = f"the git branch '{branch}' names no ticket" if branch else \
                "this is not a git repository"
            raise UsageError(f"which ticket? {where}: give one, e.g. `alloy {verb} BACK-12`")
    return resolve(ref)


def _say(result: dict, sentence: str, plain: str) -> None:
    """A sentence for people (table), the result (typed answers in a dict) for scripts
    (json), one value for xargs (plain: the ticket key, the entry id, the branch name)."""
    mode = fmt()
    if mode == "table":
        print(sentence)
    elif mode == "plain":
        print(plain)
    else:
        emit(shown(result))


def _timer():
    """Your running `Timer`, or None."""
    from alloy.errors import NotFound

    try:
        return run("timers.current")
    except NotFound:
        return None


def _duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours}h{rest:02d}m" if hours else f"{rest}m"


def _move(ticket, category: str):
    """Move `ticket` to its workflow's first status of `category`; None when it is in one
    already. A workflow that allows no such move from here is an error naming the options."""
    from alloy.errors import Invalid

    avail = run("transitions.available", ticket_id=ticket.id)
    target = next((s.name for s in avail.available if s.category == category), None)
    if target is None:
        flow = run("workflows.get", workflow_id=avail.workflow_id)
        here = {s.name: s.category for s in flow.statuses}.get(ticket.status)
        if here == category:
            return None
        options = ", ".join(s.name for s in avail.available) or "none"
        raise Invalid(f"{ticket.key} cannot move from {ticket.status} to a "
                      f"{category.replace('_', '-')} status in workflow "
                      f"'{avail.workflow_name}' (allowed next: {options})")
    return run("transitions.transition", ticket_id=ticket.id, body={"to_status": target})


def _stop(activity: str | None, note: str | None):
    from alloy.errors import Invalid, NotFound

    try:
        return run("timers.stop", body={"activity_type": activity, "description": note})
    except NotFound:
        raise NotFound("no timer running: start one with `alloy start TICKET`") from None
    except Invalid as bad:
        if any(d.get("field") == "activity_type" for d in bad.details) and not activity:
            raise Invalid("give --activity (e.g. --activity Coding): you have no earlier time "
                          "entry to take it from", bad.details) from None
        raise


def _logged(stopped) -> str:
    entry = stopped.entry
    return (f"Logged {_duration(entry.duration_minutes)} on {stopped.timer.ticket_key}"
            f" as {entry.activity_type.value} (draft time entry {entry.id})")


def start(ref: str = _TICKET) -> None:
    """Start work on a ticket: move it to its workflow's first in-progress status and start
    your timer on it.

    Example: alloy start BACK-12
    """
    ticket = _ticket(ref, "start")
    running = _timer()
    if running and running.ticket_id != ticket.id:
        raise UsageError(f"your timer is running on {running.ticket_key} "
                         f"({_duration(running.elapsed_seconds // 60)}): run `alloy stop` "
                         "first")
    moved = _move(ticket, "in_progress")
    timer = run("timers.start", body={"ticket_id": ticket.id})
    status = (moved or ticket).status
    change = f"{ticket.status} -> {status}" if moved else f"already {status}"
    _say({"ticket": moved or ticket, "timer": timer},
         f"Started {ticket.key} ({change}); timer running", plain=ticket.key)


def stop(activity: str = _ACTIVITY, note: str = _NOTE,
         discard: bool = typer.Option(False, "--discard", help="Throw the timer away "
                                      "without logging time.")) -> None:
    """Stop your timer and log the elapsed time (nearest minute, at least 1) as a draft
    time entry on its ticket.

    Example: alloy stop --activity Coding -m "login form"
    """
    if discard:
        timer = run("timers.current")
        run("timers.discard")
        _say({"timer": timer}, f"Discarded the timer on {timer.ticket_key}",
             plain=timer.ticket_key)
        return
    stopped = _stop(activity, note)
    _say(stopped, _logged(stopped), plain=stopped.entry.id)


def done(ref: str = _TICKET, activity: str = _ACTIVITY, note: str = _NOTE) -> None:
    """Finish a ticket: log your running timer on it, then move it to its workflow's done
    status.

    Example: alloy done BACK-12
    """
    ticket = _ticket(ref, "done")
    running = _timer()
    stopped = _stop(activity, note) if running and running.ticket_id == ticket.id else None
    if stopped:
        print(_logged(stopped), file=sys.stderr)
    moved = _move(ticket, "done")
    status = (moved or ticket).status
    change = f"{ticket.status} -> {status}" if moved else f"already {status}"
    _say({"ticket": moved or ticket, "logged": stopped and stopped.entry},
         f"Done: {ticket.key} ({change})", plain=ticket.key)


def slug(title: str, limit: int = 40) -> str:
    """A title as a branch-name tail: lower case words joined by `-`, cut at a word."""
    words = re.sub(r"[^a-z0-9]+", " ", title.lower()).split()
    out = ""
    for word in words:
        if len(out) + len(word) + 1 > limit:
            break
        out = f"{out}-{word}" if out else word
    return out or (words[0][:limit] if words else "")


def branch(ref: str = typer.Argument(..., metavar="TICKET", help="KEY-N, number or UUID.")
           ) -> None:
    """Create and check out the git branch for a ticket (`back-12-fix-login`); an existing
    one is checked out.

    Example: alloy branch BACK-12
    """
    ticket = resolve(ref)
    name = "-".join(filter(None, [ticket.key.lower(), slug(ticket.title)]))
    if _current_branch() is None:
        raise UsageError("this is not a git repository: run `alloy branch` inside one")
    exists = _git("rev-parse", "--verify", "--quiet", f"refs/heads/{name}").returncode == 0
    done_ = _git("checkout", *(() if exists else ("-b",)), name)
    if done_.returncode != 0:
        from alloy.errors import AlloyError

        raise AlloyError(f"git checkout {name} failed: {' '.join(done_.stderr.split())}")
    _say({"branch": name, "ticket": ticket.key, "created": not exists},
         f"{'Switched to' if exists else 'Created and switched to'} branch {name}",
         plain=name)


def register(root: typer.Typer) -> None:
    for verb in (start, stop, done, branch):
        root.command(verb.__name__)(verb)
