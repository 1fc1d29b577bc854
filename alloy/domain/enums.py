"""The wire values of the enumerations people see, as plain tuples: the one list of each.

No imports, so any face can read it for a help text or a picker without loading the core
(`alloy --help` lists activity types). `alloy.domain.values` builds the forgiving Canonical
enums the core validates with from these same tuples, and keeps their other spellings.
"""

ROLES = ("Owner", "Admin", "Member", "Reporter", "Viewer")  # most powerful first
PRIORITIES = ("None", "Low", "Medium", "High", "Urgent")  # least urgent first
CATEGORIES = ("backlog", "todo", "in_progress", "in_review", "done", "cancelled")
CLOSED_CATEGORIES = ("done", "cancelled")  # work that is over: boards count it as done
# The Default workflow every organization starts with: (status, category), in board order.
DEFAULT_STATUSES = (("Backlog", "backlog"), ("Todo", "todo"), ("InProgress", "in_progress"),
                    ("InReview", "in_review"), ("Done", "done"), ("Cancelled", "cancelled"))
STATUSES = tuple(name for name, _ in DEFAULT_STATUSES)
SPRINT_STATUSES = ("Planned", "Active", "Completed")
ACTIVITY_TYPES = ("Coding", "Testing", "CodeReview", "Design", "Architecture", "PM",
                  "Requirements", "Training", "Maintenance", "BugFixing", "Documentation",
                  "Deployment", "Meetings")
ENTRY_STATUSES = ("Draft", "Submitted", "Approved", "Rejected")
OUTPUT_FORMATS = ("json", "table", "plain")  # the CLI's --format
