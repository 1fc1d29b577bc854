"""The core's own rules: dependency direction, unit of work, migrations, validation, ids."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading

import msgspec
import pytest

from alloy.config import Settings
from alloy.domain.validate import convert
from alloy.domain.values import Role, new_id
from alloy.env import bootstrap
from alloy.errors import Invalid
from alloy.store import open_store, sqlite_path
from alloy.store.migrate import available
from tests.support import BIN, ROOT, base_env

FACES = ["litestar", "textual", "typer", "rich", "httpx", "psycopg", "mcp", "alloy.server",
         "alloy.cli", "alloy.tui", "uvicorn"]


def _root(module: str) -> str:
    """The name FACES lists a module under: `alloy.cli.main` -> `alloy.cli`, `httpx._x` -> `httpx`."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "alloy" and len(parts) > 1 else parts[0]


def _modules_after(code: str, env=None) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys, json\n"
                          "print(json.dumps(sorted(sys.modules)))"],
                         capture_output=True, text=True, cwd=ROOT, env=env, check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_core_imports_no_face():
    code = ("import alloy, alloy.ops, alloy.dispatch, alloy.client.local, alloy.env\n"
            "alloy.ops.all_ops()")
    loaded = {_root(m) for m in _modules_after(code)}
    assert not loaded & set(FACES)


def test_core_source_never_imports_a_face_at_module_level():
    """Only lazily, inside the function that needs it (RemoteClient's httpx, say)."""
    offenders = []
    for path in (ROOT / "alloy").rglob("*.py"):
        for line in path.read_text().splitlines():
            words = line.split() if not line[:1].isspace() else []
            if len(words) >= 2 and words[0] in ("import", "from") and \
                    _root(words[1]) in FACES:
                offenders.append(f"{path.relative_to(ROOT)}: {line.strip()}")
    assert offenders == []


def _imports_of(face, banned: tuple[str, ...]) -> list[str]:
    """Lines of `face` (a source folder under ROOT, or a path) importing a `banned` module, at any indentation, in
    any form: `import x`, `from x import`, `from alloy import store`, `import_module("x")`."""
    names = "|".join(re.escape(b) for b in banned)
    last = "|".join(re.escape(b.rsplit(".", 1)[1]) for b in banned)
    pattern = re.compile(
        rf"^\s*(?:import|from)\s+(?:{names})\b"
        rf"|^\s*from\s+alloy\s+import\s+[^#]*\b(?:{last})\b"
        rf"|[\"'](?:{names})(?:\.\w+)*[\"']")
    return [f"{path.name}:{n}: {line.strip()}"
            for path in sorted((ROOT / face).rglob("*.py"))
            for n, line in enumerate(path.read_text().splitlines(), 1) if pattern.search(line)]


@pytest.mark.parametrize("face", ["cli", "tui", "server/mcp"])
def test_faces_never_import_the_store_or_the_services(face):
    """Faces talk to `alloy.client`; only it (and the server's routes) reach the services."""
    assert _imports_of(face, ("alloy.store", "alloy.services")) == []


def test_tui_never_imports_the_cli():
    assert _imports_of("tui", ("alloy.cli",)) == []


def test_import_rule_scan_sees_every_form(tmp_path):
    """The scan above is not vacuous: each way of writing the import is caught."""
    bad = ["from alloy.store import open_store", "    import alloy.services.tickets",
           "        from alloy import ops, store", '    importlib.import_module("alloy.services")',
           "    from alloy.cli import session"]
    (tmp_path / "face").mkdir()
    (tmp_path / "face" / "m.py").write_text("\n".join(bad + ["from alloy.storage import x"]))
    found = _imports_of(tmp_path / "face", ("alloy.store", "alloy.services", "alloy.cli"))
    assert [f.split(": ", 1)[1] for f in found] == [b.strip() for b in bad]


@pytest.mark.parametrize("code", [
    "import alloy.tui.main, alloy.tui.app",
    "import alloy.cli.main\nalloy.cli.main.build()",
    "import alloy.server.mcp.main, alloy.server.mcp.http, alloy.server.mcp.catalog",
])
def test_importing_a_face_loads_no_store_no_services(code):
    loaded = _modules_after(code)
    assert {m for m in loaded if _root(m) in ("alloy.store", "alloy.services")} == set()
    if "tui" in code:
        assert {m for m in loaded if _root(m) == "alloy.cli"} == set()


def test_msgspec_loads_without_the_typing_extensions_backport():
    """alloy hides typing_extensions while msgspec imports (see alloy/__init__.py): msgspec
    then uses typing's own helpers, and whatever imports the backport later still gets it."""
    code = ("import sys, typing\nimport alloy, msgspec, msgspec._utils as u\n"
            "assert 'typing_extensions' not in sys.modules\n"
            "assert u._get_type_hints is typing.get_type_hints and u.NotRequired is typing.NotRequired\n"
            "import typing_extensions\n"
            "class T(typing_extensions.TypedDict):\n    a: int\n"
            "    b: typing_extensions.NotRequired[str]\n"
            "assert msgspec.convert({'a': 1}, T) == {'a': 1}\n"
            "assert alloy._LeanMsgspec not in sys.meta_path")
    assert "typing_extensions" in _modules_after(code)


def test_msgspec_inspect_runs_on_first_use_once():
    """alloy defers msgspec.inspect (see alloy/__init__.py): a command that makes no JSON
    Schema never builds its classes; the first use, from any thread, imports it once, and
    every way of reaching it (the attribute, `import`, JSON Schema) then sees the real one."""
    code = ("import sys, threading, types, alloy, msgspec\n"
            "assert 'type_info' not in vars(sys.modules['msgspec.inspect'])\n"
            "from msgspec import _json_schema\n"
            "class A(msgspec.Struct):\n    x: int\n"
            "seen = []\n"
            "ts = [threading.Thread(target=lambda: seen.append(_json_schema.mi.type_info))"
            " for _ in range(8)]\n"
            "[t.start() for t in ts]; [t.join() for t in ts]\n"
            "assert len(set(seen)) == 1, seen\n"
            "import msgspec.inspect\n"
            "assert type(sys.modules['msgspec.inspect']) is types.ModuleType\n"
            "assert msgspec.inspect.type_info is seen[0]\n"
            "assert msgspec.inspect.type_info(A).fields[0].name == 'x'\n"
            "assert msgspec.json.schema(A)['$defs']['A']['required'] == ['x']")
    assert "msgspec.inspect" in _modules_after(code)


@pytest.mark.parametrize("argv", [["--help"], ["org", "list"]])
def test_cli_stays_light(tmp_path, argv):
    env = base_env(tmp_path)
    code = (f"import sys\nsys.argv = ['alloy', *{argv!r}]\nfrom alloy.cli.main import run\n"
            "try:\n    run()\nexcept SystemExit:\n    pass")
    loaded = {m.split(".")[0] for m in _modules_after(code, env)}
    assert not loaded & {"litestar", "textual", "httpx", "psycopg", "mcp", "uvicorn"}
    if argv == ["--help"]:  # the help text needs no validation library (~10% of a command)
        assert "msgspec" not in loaded


def test_unit_of_work_rolls_back_unless_committed(tmp_path):
    store = open_store(f"sqlite:///{tmp_path}/u.db")
    store.migrate()
    with store.unit() as db:
        db.run("INSERT INTO users VALUES ('u1', 'a@b.c', 'A', NULL, 't', 't')")
    with store.unit(write=False) as db:
        assert db.one("SELECT * FROM users") is None
    with pytest.raises(RuntimeError), store.unit() as db:
        db.run("INSERT INTO users VALUES ('u1', 'a@b.c', 'A', NULL, 't', 't')")
        db.commit()
        raise RuntimeError("boom")
    with store.unit(write=False) as db:
        assert db.one("SELECT * FROM users") is None
    with store.unit() as db:
        db.run("INSERT INTO users VALUES ('u1', 'a@b.c', 'A', NULL, 't', 't')")
        db.commit()
    with store.unit(write=False) as db:
        assert db.value("SELECT COUNT(*) FROM users") == 1


def test_sqlite_pragmas(tmp_path):
    store = open_store(f"sqlite:///{tmp_path}/p.db")
    conn = store.connect()
    assert conn.execute("PRAGMA journal_mode").fetchone()["journal_mode"] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()["foreign_keys"] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()["timeout"] >= 5000


def test_migrations_apply_once_and_concurrently(tmp_path):
    url = f"sqlite:///{tmp_path}/m.db"
    results, errors = [], []

    def run():
        try:
            results.append(open_store(url).migrate())
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    names = [f"{v:04d}_{n}" for v, n, _ in available("sqlite")]
    assert sorted(sum(results, [])) == names
    assert open_store(url).migrate() == []


def test_migrations_have_the_same_versions_on_both_databases():
    assert [v for v, _, _ in available("sqlite")] == [v for v, _, _ in available("postgres")]


def test_alloy_migrate_command(tmp_path):
    env = base_env(tmp_path)
    out = subprocess.run([str(BIN / "alloy"), "migrate", "--format", "json"], env=env,
                         capture_output=True, text=True, check=True)
    assert json.loads(out.stdout)["applied"][0] == "0001_identity"
    again = subprocess.run([str(BIN / "alloy"), "migrate", "--format", "json"], env=env,
                           capture_output=True, text=True, check=True)
    assert json.loads(again.stdout)["applied"] == []


def test_auto_migrate_can_be_disabled(tmp_path):
    env = bootstrap(Settings.from_env(ALLOY_DATABASE_URL=f"sqlite:///{tmp_path}/n.db",
                                      ALLOY_AUTO_MIGRATE="false"))
    with env.store.unit(write=False) as db:
        assert db.one("SELECT name FROM sqlite_master WHERE name = 'users'") is None


def test_sqlite_urls():
    assert sqlite_path("sqlite:///tmp/a.db") == "/tmp/a.db"
    assert sqlite_path("sqlite:////tmp/a.db") == "/tmp/a.db"
    assert sqlite_path("sqlite://alloy.db") == "alloy.db"
    assert sqlite_path("data/x.db") == "data/x.db"


def test_validation_reports_every_bad_field():
    class In(msgspec.Struct, kw_only=True):
        name: str
        count: int = 1
        role: Role = Role.Member

    with pytest.raises(Invalid) as e:
        convert(In, {"count": "x", "role": "wizard"})
    assert [d["field"] for d in e.value.details] == ["name", "count", "role"]
    assert convert(In, {"name": "a", "role": "ADMIN"}).role is Role.Admin


def test_ids_sort_by_creation():
    ids = [new_id() for _ in range(2000)]
    assert ids == sorted(ids) and len(set(ids)) == 2000
