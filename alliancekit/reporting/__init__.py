"""Scheduled review reports: run the review notebook, publish self-contained HTML, log decisions.

``run_report`` executes ``notebooks/03_review_report.ipynb`` with papermill on a real Jupyter
kernel (the project's own Python, never a system one), converts the executed notebook to HTML
without code (figures embedded as ``data:`` URIs, no JavaScript, no CDN, a print stylesheet) and
publishes, per workspace and period::

    <out_dir>/<workspace>/<period>/review.html    self-contained report
                                   review.ipynb   the executed notebook
                                   results.json   result objects' ``to_dict()`` (saved by the
                                                  notebook itself through ``save_results``)
                                   summary.csv    one row per alliance: health, decision, rationale
    <out_dir>/<workspace>/decisions.csv           decision log, one row per alliance and period
    <out_dir>/index.html                          every report, newest first

One source for the numbers: the notebook displays the review and portfolio result objects and
saves the *same objects* with ``save_results``; ``summary.csv`` and the decision log are derived
from that ``results.json`` only, so HTML, JSON and CSV cannot disagree.

Safety: a run writes into a hidden temporary folder under ``<out_dir>/<workspace>/`` and renames
it into place only after every file is written; a failing cell, a dead kernel or a cell timeout
leaves the previous report untouched, keeps the partially executed notebook under
``<out_dir>/<workspace>/_failed/<period>-<UTC timestamp>.ipynb`` and raises ``ReportError``
(CLI exit 4). Runs of the same workspace and period are serialised by a lock file; the second
run waits up to ``lock_timeout`` seconds and then refuses with a ``ReportError`` naming the lock.

One module per stage, papermill style: ``run`` (one report, stage by stage), ``batch`` (several,
in worker processes), ``kernel`` and ``execute`` (papermill on this interpreter's kernel),
``results_file`` (``results.json``), ``page`` (HTML), ``publish`` (atomic rename, failed
notebooks, CSV files), ``locks``, ``index``, ``outcome`` (``ReportRun``, ``ReportBatch``) and
``sections`` (what the notebook displays). papermill, nbconvert and jupyter_client are imported
lazily, inside the functions that need them.
"""

from alliancekit.reporting import sections
from alliancekit.reporting.batch import run_reports
from alliancekit.reporting.execute import execute_notebook
from alliancekit.reporting.index import refresh_index
from alliancekit.reporting.locks import exclusive_lock
from alliancekit.reporting.outcome import ReportBatch, ReportRun
from alliancekit.reporting.page import notebook_to_html
from alliancekit.reporting.publish import DECISION_LOG_COLUMNS, SUMMARY_COLUMNS
from alliancekit.reporting.results_file import RESULTS_SCHEMA, save_results
from alliancekit.reporting.run import default_notebook, run_report

# every section function and display class, as listed in ``sections.__all__``
from alliancekit.reporting.sections import *  # noqa: F403

#: The lock under its former private name (tests hold a report's lock through it).
_exclusive_lock = exclusive_lock

__all__ = [
    "DECISION_LOG_COLUMNS",
    "RESULTS_SCHEMA",
    "SUMMARY_COLUMNS",
    "ReportBatch",
    "ReportRun",
    "default_notebook",
    "execute_notebook",
    "notebook_to_html",
    "refresh_index",
    "run_report",
    "run_reports",
    "save_results",
    *sections.__all__,
]
