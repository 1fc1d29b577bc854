"""Alloy service core: domain, rules, storage and the client interface the faces share.

Importing this package does no I/O and pulls in no web, CLI or TUI framework.
"""

import functools
import sys


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


class _MsgspecWithoutBackport:
    """Imports msgspec with `typing_extensions` hidden, once, then leaves `sys.meta_path`.

    msgspec takes `get_type_hints`, `Required` and `NotRequired` from typing_extensions when
    it can, else from `typing`; on Python 3.11+ (our floor) they are the same objects and
    the same function, but importing the backport costs ~11M instructions (~4% of an
    `alloy` command) and pulls in `socket`. Anything imported after msgspec (Litestar, say)
    gets the real typing_extensions as usual; if it is already loaded, nothing is hidden.
    """

    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if name != "msgspec":
            return None
        others = [f for f in sys.meta_path if f is not cls]
        spec = next(filter(None, (getattr(f, "find_spec", lambda *a: None)(name, path, target)
                                  for f in others)), None)
        sys.meta_path.remove(cls)  # no later finder is skipped: the lookup ends here
        if spec is None or spec.loader is None or "typing_extensions" in sys.modules:
            return spec
        run = spec.loader.exec_module

        def exec_module(module) -> None:
            sys.modules["typing_extensions"] = None  # `import typing_extensions` fails
            try:
                run(module)
            finally:
                if sys.modules.get("typing_extensions", ...) is None:
                    del sys.modules["typing_extensions"]

        spec.loader.exec_module = exec_module
        return spec


if sys.version_info >= (3, 11) and "msgspec" not in sys.modules:
    sys.meta_path.insert(0, _MsgspecWithoutBackport)
