"""credentials.toml: the login `alloy auth login`, `alloy onboard` and `alloy org switch` save.

Read on every CLI command, so it stays cheap: the parse is kept beside the file as JSON
(0600 like the file) and reused while the TOML file's mtime, size and inode are unchanged;
importing the TOML parser would cost every command ~4% of its start-up. Hand edits change
the stamp, so they are always read.
"""

from __future__ import annotations

from pathlib import Path

from alloy.private import private_dir, write_private


def path() -> Path:
    from alloy.config import config_dir

    return config_dir() / "credentials.toml"


def _parsed_copy(toml: Path) -> Path:
    return toml.with_name(".credentials.parsed.json")


def load(*, tolerant: bool = False) -> dict:
    """credentials.toml, parsed ({} when absent).

    A file that cannot be read or parsed is an error naming it and the way out, since
    acting as nobody would only say "authentication required"; `tolerant` (a login or
    onboard about to replace it) reads it as empty instead."""
    import msgspec  # loaded already (alloy.config); the json module would cost ~2% more

    toml = path()
    try:
        st = toml.stat()
    except OSError:
        return {}
    stamp = [st.st_mtime_ns, st.st_size, st.st_ino]
    copy = _parsed_copy(toml)
    try:
        kept = msgspec.json.decode(copy.read_bytes())
        if kept["stamp"] == stamp:
            return kept["data"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    import tomllib

    try:
        data = tomllib.loads(toml.read_text())
    except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError) as err:
        if tolerant:
            return {}
        from alloy.errors import Unauthorized

        raise Unauthorized(f"cannot read {toml} ({' '.join(str(err).split())}): run "
                           "`alloy auth login` to write a new one, or delete the file") from None
    blob = msgspec.json.encode({"stamp": stamp, "data": data})
    if msgspec.json.decode(blob)["data"] == data:  # a TOML date is no JSON: parse next time
        try:
            write_private(copy, blob)
        except OSError:  # a read-only directory
            pass
    return data


def save(update: dict, *, replace: bool = False) -> dict:
    """Merge `update` into credentials.toml (None removes a key); written 0600, atomically."""
    import tomli_w

    data = {} if replace else load(tolerant=True)
    for key, value in update.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    toml = path()
    private_dir(toml.parent)
    _parsed_copy(toml).unlink(missing_ok=True)  # no stale copy of tokens outlives a change
    write_private(toml, tomli_w.dumps(data).encode())
    return data


