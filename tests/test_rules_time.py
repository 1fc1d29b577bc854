"""The finance rules as pure functions: CapEx table, rounding, budget windows, spellings."""

from __future__ import annotations

import pytest

from alloy.domain.finance import budget_window, classify, entry_amount, hours, utilization
from alloy.domain.values import ACTIVITY_ALIASES as ALIASES
from alloy.domain.values import ActivityType

CAPEX_BY_PHASE = {  # activity -> phases (None = unset) in which a Capex project capitalizes it
    "Coding": "all", "Testing": "all", "CodeReview": "all", "Design": "all",
    "Architecture": "all", "Documentation": "all", "Deployment": "all",
    "BugFixing": {"AppDevelopment"}, "PM": {"AppDevelopment"}, "Meetings": {"AppDevelopment"},
    "Requirements": {"Preliminary"}, "Training": set(), "Maintenance": set(),
}
PHASES = ("Preliminary", "AppDevelopment", "PostImplementation", None)


@pytest.mark.parametrize("activity", list(ActivityType))
def test_capex_rule_table(activity):
    rule = CAPEX_BY_PHASE[activity.value]
    for phase in PHASES:
        want = "Capex" if rule == "all" or phase in rule else "Opex"
        assert classify(activity, "Capex", phase) == want, (activity, phase)
        assert classify(activity, "capex", phase) == want
        assert classify(activity, "Opex", phase) == "Opex"
        assert classify(activity, None, phase) == "Opex"
    assert classify(activity, "Capex", "app-development") == \
        classify(activity, "Capex", "AppDevelopment")


def test_every_spelling_has_one_canonical_type():
    assert len(ActivityType) == 13
    for alias, canonical in ALIASES.items():
        assert ActivityType.parse(alias) is ActivityType(canonical)
    cli_reference = ("Coding, Testing, CodeReview, Design, Documentation, Meeting, Planning, "
                     "DevOps, BugFix, Refactoring, Research, Support, Other").split(", ")
    api_reference = "Coding, CodeReview, BugFixing, Testing, Documentation, Design, Meeting, " \
                    "Planning".split(", ")
    for name in cli_reference + api_reference + ["development", "code-review", "bug_fixing"]:
        assert isinstance(ActivityType.parse(name), ActivityType), name
    with pytest.raises(ValueError):
        ActivityType.parse("Juggling")


def test_rounding_is_half_up_per_entry():
    assert entry_amount(30, 10001) == 5001  # 5000.5
    assert entry_amount(1, 1) == 0  # 0.0166
    assert entry_amount(30, 1) == 1  # 0.5
    assert entry_amount(61, 10000) == 10167  # 10166.67
    assert entry_amount(150, 15000) == 37500
    assert [hours(m) for m in (1, 20, 25, 40, 50, 100, 150, 190)] == \
        [0.02, 0.33, 0.42, 0.67, 0.83, 1.67, 2.5, 3.17]
    assert utilization(37500, 5000000) == 0.75
    assert utilization(2400000, 5000000) == 48.0
    assert utilization(78876, 1000000) == 7.89
    assert utilization(5, 1000) == 0.5 and utilization(1, 0) is None
    assert utilization(1, None) is None


def test_budget_windows():
    assert budget_window("2026-03", "Monthly") == ("2026-03-01", "2026-03-31")
    assert budget_window("2026-02", "Quarterly") == ("2026-01-01", "2026-03-31")
    assert budget_window("2026-11", "quarterly") == ("2026-10-01", "2026-12-31")
    assert budget_window("2026-05", "Yearly") == ("2026-01-01", "2026-12-31")
    assert budget_window("2026-05", "Fixed") == ("0000-01-01", "9999-12-31")
    assert budget_window("2026-05", None) == ("0000-01-01", "9999-12-31")
