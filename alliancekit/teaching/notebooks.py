"""The teaching notebook and its student version (solutions replaced by answer cells)."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["SOLUTION_TAG", "student_notebook", "teaching_notebook"]

#: Cell tag marking exercise solutions (removed from the student version).
SOLUTION_TAG = "solution"


def teaching_notebook() -> Path:
    """The teaching notebook that ships with the package (``00_alliances_101.ipynb``, with
    solutions)."""
    from alliancekit.resources import notebook_path

    return notebook_path("teaching")


def student_notebook(
    src: str | os.PathLike[str] | None = None, out: str | os.PathLike[str] = "student"
) -> Path:
    """Write the student version of a teaching notebook (``grading.student_version``).

    Every solution is removed — the code between ``### BEGIN SOLUTION`` and ``### END
    SOLUTION`` (or a whole cell tagged ``solution``) and the "*Solution notes:*" markdown — and
    an answer cell is left in its place; mark schemes are dropped and outputs cleared, so
    students start fresh. The nbgrader metadata stays, for ``teach --check``.

    Parameters
    ----------
    src : path, optional
        Teaching notebook (default ``notebooks/00_alliances_101.ipynb``).
    out : path
        Output ``.ipynb`` file, or a folder (the source file name is kept).

    Returns
    -------
    Path
        The written notebook.

    Raises
    ------
    FileNotFoundError
        If ``src`` is not a file.
    """
    import nbformat

    from alliancekit.teaching.grading import student_version

    source = Path(src) if src is not None else teaching_notebook()
    if not source.is_file():
        raise FileNotFoundError(f"teaching notebook not found: {source}")
    target = Path(out)
    if target.suffix != ".ipynb":
        target = target / source.name
    nb = student_version(nbformat.read(source, as_version=4))
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    try:  # write then rename: an interrupted run never leaves a half-written notebook
        nbformat.write(nb, tmp)
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target
