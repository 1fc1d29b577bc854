"""How people's words are shown on a terminal.

Input is stored as given (JSON output escapes it anyway); a terminal face passes every
user-written string through `printable`, so stored escape sequences cannot recolour, move
the cursor or retitle the user's terminal. Imports only `re`: `alloy --help` pays nothing.
"""

from __future__ import annotations

import functools
import re


# C0 controls but tab and newline, DEL and the C1 controls (ESC, CSI, OSC ... introducers).
@functools.cache
def _control() -> re.Pattern:
    return re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """`text` safe for a terminal: control characters shown escaped (`\\x1b`), not obeyed;
    tabs and newlines are kept. Most text is printable as it is: no regex compiled for it."""
    if text.isprintable():
        return text
    return _control().sub(lambda m: repr(m.group())[1:-1], text)
