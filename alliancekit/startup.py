"""Start-up: keep commands from paying for imports they do not use (``python -X importtime``).

``alliancekit report`` imports papermill → nbformat → jsonschema, and jsonschema imports
``rfc3987_syntax`` (installed with jupyter_server's ``jsonschema[format-nongpl]``) at once, only
to check the ``iri`` string formats. That import compiles a Lark grammar: about 1.2 s on an idle
machine, 4.6 s under load, before the first report starts, though no notebook or report ever
checks an IRI. :func:`defer_costly_imports` puts a stand-in module in its place whose
``is_valid_syntax`` imports the real module at its first call, so the format checks behave
exactly as before, and cost nothing until one runs.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import Any

__all__ = ["defer_costly_imports"]

_RFC3987 = "rfc3987_syntax"


def _real_rfc3987() -> types.ModuleType:
    """The real ``rfc3987_syntax``, imported now in place of the stand-in."""
    module = sys.modules.get(_RFC3987)
    if module is None or getattr(module, "__alliancekit_stand_in__", False):
        sys.modules.pop(_RFC3987, None)
        module = importlib.import_module(_RFC3987)
    return module


def _is_valid_syntax(*args: Any, **kwargs: Any) -> Any:
    return _real_rfc3987().is_valid_syntax(*args, **kwargs)


def _module_getattr(name: str) -> Any:
    if name.startswith("__"):  # the import system's own look-ups must not load the module
        raise AttributeError(name)
    return getattr(_real_rfc3987(), name)


def defer_costly_imports() -> None:
    """Defer ``rfc3987_syntax`` until a format check needs it (idempotent; no-op if absent).

    Call before anything imports jsonschema (the CLI does so first thing; report workers do
    too). Once jsonschema is imported the real module is already loaded and nothing changes.
    """
    if _RFC3987 in sys.modules or "jsonschema" in sys.modules:
        return
    if importlib.util.find_spec(_RFC3987) is None:
        return
    stand_in = types.ModuleType(_RFC3987, "stand-in: the real module is imported at first use")
    stand_in.__alliancekit_stand_in__ = True  # type: ignore[attr-defined]
    stand_in.is_valid_syntax = _is_valid_syntax  # type: ignore[attr-defined]
    stand_in.__getattr__ = _module_getattr  # type: ignore[attr-defined]  # PEP 562
    sys.modules[_RFC3987] = stand_in
