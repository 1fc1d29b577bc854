"""People's words: which are required (not blank). How they are shown on a terminal is
`alloy.domain.display` (kept apart: the CLI's output module needs it without msgspec)."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec

NOT_BLANK = r"\S"  # at least one character that is not white space
BLANK_MESSAGE = "must not be blank"


def required(max_length: int) -> Any:
    """A required piece of text (a name, a title): 1..max_length characters, not all blank."""
    return Annotated[str, msgspec.Meta(min_length=1, max_length=max_length, pattern=NOT_BLANK)]


StatusName = required(100)


def stated(kind: Any, **schema: Any) -> Any:
    """`kind` whose OpenAPI schema also states `schema` (an enum, a minimum length): a rule
    the service enforces itself, with a message in the user's words, and that clients and the
    fuzz run should still read from the schema."""
    return Annotated[kind, msgspec.Meta(extra_json_schema=schema)]
