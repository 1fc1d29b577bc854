"""Alloy service core: domain, rules, storage and the client interface the faces share.

Importing this package does no I/O and pulls in no web, CLI or TUI framework.
"""

import functools


def __getattr__(name: str):
    if name == "__version__":  # one place: the package metadata (pyproject's version)
        return version()
    raise AttributeError(name)


@functools.cache
def version() -> str:
    """The installed distribution's version; a bare checkout that was never installed says so."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("alloy")
    except PackageNotFoundError:
        return "0+unknown"
