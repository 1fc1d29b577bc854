"""Files and directories that hold secrets: created for their owner alone.

Kept apart from `alloy.security` (hashing, tokens, keys) because every CLI command saves or
opens one of these, and importing the crypto helpers would cost each command milliseconds.
"""

from __future__ import annotations

import os
from pathlib import Path


def private_dir(path: Path) -> None:
    """Make a directory that will hold secrets: 0700 when we create it (a user's own
    directory that already exists is left as they set it)."""
    Path(path).mkdir(mode=0o700, parents=True, exist_ok=True)


def private_file(path: Path) -> None:
    """Create an empty file 0600 unless it exists: SQLite then gives its -wal and -shm
    files the same mode, so the database's secrets (OIDC client secrets, webhook signing
    secrets, hashes) are the owner's alone. One that exists is made the owner's alone too
    (a database an older Alloy created 0644)."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        owner_only(path)


def owner_only(path: Path) -> None:
    """Take group and other permissions off `path` if it exists and is ours (a file someone
    else owns, or shared on purpose through its owner, is not ours to change)."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return
    if info.st_uid == os.getuid() and info.st_mode & 0o077:
        os.chmod(path, info.st_mode & 0o700)


def write_private(path: Path, data: bytes) -> None:
    """Replace `path` with `data` atomically, 0600 from the first byte: a reader (a server
    reloading its certificate) sees the old file or the new one, never half of either."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
