"""The distribution: one import package, `alloy`, holding every face, migrations and the
version from one place. (scripts/smoke installs the wheel into fresh venvs and uses it.)"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
import zipfile

import pytest

import alloy
from tests.support import BIN, ROOT

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("dist")
    uv = shutil.which("uv") or (str(BIN / "uv") if (BIN / "uv").exists() else None)
    cmd = ([uv, "build", "-q", "--wheel", "-o", str(out)] if uv else
           [sys.executable, "-m", "build", "-q", "--wheel", "-o", str(out)])
    subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)
    return zipfile.ZipFile(next(out.glob("alloy-*.whl")))


def test_the_wheel_installs_one_import_package(wheel):
    names = wheel.namelist()
    top = {n.split("/")[0] for n in names}
    assert top == {"alloy", f"alloy-{PROJECT['version']}.dist-info"}


def test_every_face_module_and_migration_is_in_the_wheel(wheel):
    names = set(wheel.namelist())
    folders = {"alloy": "alloy", "cli": "alloy/cli", "tui": "alloy/tui", "server": "alloy/server",
               "migrations": "alloy/migrations"}
    missing = [str(path.relative_to(ROOT))
               for folder, inside in folders.items()
               for path in (ROOT / folder).rglob("*")
               if path.suffix in (".py", ".sql") and "__pycache__" not in path.parts
               and f"{inside}/{path.relative_to(ROOT / folder).as_posix()}" not in names]
    assert missing == []


def test_console_scripts_keep_their_names(wheel):
    entry = next(n for n in wheel.namelist() if n.endswith("entry_points.txt"))
    text = wheel.read(entry).decode()
    for line in ("alloy = alloy.cli:run", "alloy-tui = alloy.tui.main:run",
                 "alloy-mcp = alloy.server.mcp.main:run"):
        assert line in text


def test_lean_install_leaves_drivers_to_extras():
    deps = " ".join(PROJECT["dependencies"])
    assert "psycopg" not in deps and "botocore" not in deps and "acme" not in deps
    assert not any(d.startswith("jq") for d in PROJECT["dependencies"])  # compiled: an extra
    extras = PROJECT["optional-dependencies"]
    assert any(d.startswith("psycopg") for d in extras["postgres"])
    assert any(d.startswith("botocore") for d in extras["s3"])
    assert any(d.startswith("acme") for d in extras["tls"])
    assert any(d.startswith("jq") for d in extras["jq"])
    assert extras["all"] == ["alloy[postgres,s3,tls,jq]"]


def test_version_comes_from_the_package_metadata(env_for):
    out = subprocess.run([str(BIN / "alloy"), "--version"], env=env_for(), capture_output=True,
                         text=True, check=True).stdout
    assert out == f"alloy {PROJECT['version']}\n" and alloy.version() == PROJECT["version"]


def test_no_source_imports_a_face_by_its_folder_name():
    """`import cli` works only in a checkout; installed, the faces are alloy.cli, alloy.tui..."""
    folder = re.compile(r"^\s*(from|import) (cli|tui|server|migrations)\b")
    bad = [f"{path.relative_to(ROOT)}: {line.strip()}"
           for top in ("alloy", "cli", "tui", "server", "tests", "bench")
           for path in (ROOT / top).rglob("*.py")
           for line in path.read_text().splitlines() if folder.match(line)]
    assert bad == []
    assert folder.match("    from cli.main import run") and not folder.match("from click import x")
