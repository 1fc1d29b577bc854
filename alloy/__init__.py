"""Alloy service core: domain, rules, storage and the client interface the faces share.

Importing this package does no I/O and pulls in no web, CLI or TUI framework.
"""

import _thread
import functools
import importlib
import sys
import types


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


class _LeanMsgspec:
    """Imports msgspec without what a command does not use, once, then leaves `sys.meta_path`.

    - `typing_extensions` hidden: msgspec takes `get_type_hints`, `Required` and
      `NotRequired` from it when it can, else from `typing`; on Python 3.11+ (our floor) they
      are the same objects and the same function, but importing the backport costs ~11M
      instructions (~4% of an `alloy` command) and pulls in `socket`. Anything imported
      after msgspec (Litestar, say) gets the real typing_extensions as usual; if it is
      already loaded, nothing is hidden.
    - `msgspec.inspect` deferred (`_OnFirstUse`): the package imports it eagerly, but only
      JSON Schema (OpenAPI, MCP tool schemas) and Litestar use it; its ~40 classes cost ~5M
      instructions (~2% of a command).
    """

    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if name != "msgspec":
            return None
        others = [f for f in sys.meta_path if f is not cls]
        spec = next(filter(None, (getattr(f, "find_spec", lambda *a: None)(name, path, target)
                                  for f in others)), None)
        sys.meta_path.remove(cls)  # no later finder is skipped: the lookup ends here
        if spec is None or spec.loader is None:
            return spec
        run, hide = spec.loader.exec_module, "typing_extensions" not in sys.modules

        def exec_module(module) -> None:
            if hide:
                sys.modules["typing_extensions"] = None  # `import typing_extensions` fails
            if "msgspec.inspect" not in sys.modules:
                sys.modules["msgspec.inspect"] = module.inspect = _OnFirstUse("msgspec.inspect")
            try:
                run(module)
            finally:
                if sys.modules.get("typing_extensions", ...) is None:
                    del sys.modules["typing_extensions"]

        spec.loader.exec_module = exec_module
        return spec


class _OnFirstUse(types.ModuleType):
    """Stands in for a module until one of its attributes is asked for, then imports it and
    takes on its attributes (whoever holds this object, `from pkg import mod` did, sees the
    real ones); `import` finds the real module from then on."""

    def __getattr__(self, name: str):
        with _FIRST_USE:  # one import, whichever thread asks first
            if sys.modules.get(self.__name__) is self:
                del sys.modules[self.__name__]
            vars(self).update(vars(importlib.import_module(self.__name__)))
        return object.__getattribute__(self, name)


_FIRST_USE = _thread.RLock()


if sys.version_info >= (3, 11) and "msgspec" not in sys.modules:
    sys.meta_path.insert(0, _LeanMsgspec)
