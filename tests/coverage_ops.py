"""Every declared operation runs in a contract scenario: checked once, at the end of a session.

The contract harness (`tests/contract.py`) records each operation it calls. Each xdist worker
hands its record to the controller; when the session ran every contract file, the union must
hold every operation `alloy.ops` declares (less the few listed in EXEMPT, with why). Neither
file order nor which worker ran what matters, and a contract file run alone checks nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import contract

HERE = Path(__file__).parent
KEY = "alloy_contract"
# Operations a contract scenario cannot run through both clients, and where they are tested.
EXEMPT = {
}


def contract_files() -> set[str]:
    return {p.name for p in HERE.glob("test_*.py")
            if "from tests.contract import" in p.read_text()}


class OperationCoverage:
    def __init__(self, config) -> None:
        self.config = config
        self.called: set[str] = set()
        self.files: set[str] = set()

    def pytest_collection_modifyitems(self, items) -> None:
        self.files |= {Path(str(item.fspath)).name for item in items}

    def pytest_testnodedown(self, node, error) -> None:  # controller: a worker finished
        out = getattr(node, "workeroutput", {}).get(KEY)
        if out:
            self.called |= set(out["called"])
            self.files |= set(out["files"])

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session) -> None:
        mine = {"called": sorted(contract.CALLED), "files": sorted(self.files)}
        if hasattr(self.config, "workeroutput"):  # an xdist worker: report to the controller
            self.config.workeroutput[KEY] = mine
            return
        self.called |= contract.CALLED
        if not contract_files() <= self.files or session.exitstatus != 0:
            return
        from alloy import ops

        missing = sorted({o.name for o in ops.all_ops()} - self.called - set(EXEMPT))
        if missing:
            reporter = self.config.pluginmanager.get_plugin("terminalreporter")
            reporter.write_line(f"operations no contract scenario ran: {', '.join(missing)}",
                                red=True)
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
