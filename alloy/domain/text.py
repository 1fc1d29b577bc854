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
