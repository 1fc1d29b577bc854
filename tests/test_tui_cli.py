"""Entry points: `alloy-tui --help`, `alloy tui` registered, and `alloy --help` stays light."""

from __future__ import annotations

import subprocess
import sys

from tests.support import BIN, base_env, cli


def test_alloy_tui_help(tmp_path):
    proc = subprocess.run([str(BIN / "alloy-tui"), "--help"], env=base_env(tmp_path),
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "--api-url" in proc.stdout and "ALLOY_BASE_URL" in proc.stdout


def test_alloy_tui_command_is_registered(tmp_path):
    proc = cli(["tui", "--help"], base_env(tmp_path))
    assert "terminal UI" in proc.stdout and "Example:" in proc.stdout
    assert " tui " in cli(["--help"], base_env(tmp_path)).stdout


def test_alloy_help_does_not_import_textual(tmp_path):
    code = ("import sys\nsys.argv = ['alloy', '--help']\nfrom alloy.cli import main\n"
            "try:\n    main.run()\nexcept SystemExit:\n    pass\n"
            "print('TEXTUAL' if 'textual' in sys.modules else 'LIGHT')")
    proc = subprocess.run([sys.executable, "-c", code], env=base_env(tmp_path),
                          capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip().endswith("LIGHT"), proc.stdout + proc.stderr
