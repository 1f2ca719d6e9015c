"""Packages whose public names load on first use (PEP 562 module ``__getattr__``).

``import alliancekit`` and ``import alliancekit.roadmap`` stay light: each public name is
imported from the module that defines it the first time it is used, then kept in the package.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(
    package: str, homes: Mapping[str, str], public: Iterable[str] | None = None
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of a package whose names load on first use.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    homes : Mapping
        Public name -> the submodule of ``package`` that defines it (e.g. ``"plan"``).
    public : iterable of str, optional
        What ``dir(package)`` lists (default: the names of ``homes``).

    Returns
    -------
    (__getattr__, __dir__)
        To assign at the package's top level.
    """
    namespace = sys.modules[package].__dict__
    listed = sorted(homes if public is None else public)

    def load(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{home}"), name)
        namespace[name] = value
        return value

    def names() -> list[str]:
        return listed

    return load, names
