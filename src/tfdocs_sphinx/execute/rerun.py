"""myst-nb's own run of a page ends in a reported failure, never a traceback.

A page that failed in the pool is run again by myst-nb when Sphinx reads it
(:mod:`.pool`), through jupyter-cache's ``single_nb_execution``, which turns a
cell's exception or timeout into a result with an error and lets everything
else through: a kernel killed mid-cell (``kill -9``, the OOM killer) raised
nbclient's ``DeadKernelError`` out of Sphinx as a traceback. Here every failure
of a run becomes such a result, so :mod:`..checks.cell_errors` reports it as
``page:line`` like any failed cell and nothing is cached.

Both runs, the pool's and myst-nb's, also wait :data:`IOPUB_TIMEOUT` seconds
for output that arrives after a cell's reply, and fail the page if it is later
still (nbclient's default is to drop it after 4 s and carry on, and the
truncated page would be cached). Both talk to their kernel over Unix sockets
(:mod:`.channels`).

myst-nb offers no hook for this, so its module's name for the function is
replaced (once, at ``config-inited``) by a wrapper that calls the original.
"""

from __future__ import annotations

import time
import traceback
from functools import wraps
from typing import TYPE_CHECKING, Any

from tfdocs_sphinx.execute import channels

if TYPE_CHECKING:
    from collections.abc import Callable

    from sphinx.application import Sphinx
    from sphinx.config import Config

__all__ = [
    "IOPUB_TIMEOUT",
    "NOTEBOOK_CLIENT_OPTIONS",
    "RUNNING_CELL",
    "connect",
    "reported",
]

#: Seconds to wait for a cell's output after its reply before the page fails.
IOPUB_TIMEOUT = 30
#: Notebook metadata naming the index of the cell a failed run was running (a
#: dead kernel may not have said that the cell started).
RUNNING_CELL = "tfdocs_running_cell"
#: What both runs give nbclient's ``NotebookClient``.
NOTEBOOK_CLIENT_OPTIONS: dict[str, Any] = {
    "iopub_timeout": IOPUB_TIMEOUT,
    "raise_on_iopub_timeout": True,
}


def reported(execute: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap jupyter-cache's ``single_nb_execution``: every failure becomes a result."""
    from jupyter_cache.executors.utils import ExecutionResult

    if getattr(execute, "__wrapped__", None) is not None:  # already wrapped
        return execute

    @wraps(execute)
    def run(nb: Any, *args: Any, **kwargs: Any) -> Any:
        for name, value in NOTEBOOK_CLIENT_OPTIONS.items():
            kwargs.setdefault(name, value)

        def note_cell(cell_index: int, **_: Any) -> None:
            nb.metadata[RUNNING_CELL] = cell_index

        kwargs.setdefault("on_cell_start", note_cell)
        start = time.perf_counter()
        try:
            with channels.unix_sockets() as config:
                kwargs.setdefault("config", config)
                result = execute(nb, *args, **kwargs)
        except Exception as exc:  # noqa: BLE001  (a dead kernel, late output: reported)
            seconds = time.perf_counter() - start
            cwd = kwargs.get("cwd", args[0] if args else None)
            return ExecutionResult(nb, cwd, seconds, exc, traceback.format_exc())
        if result.err is None:  # a cached notebook keeps no trace of its run
            nb.metadata.pop(RUNNING_CELL, None)
        return result

    return run


def _install(app: Sphinx, config: Config) -> None:
    from myst_nb.core.execute import cache, direct

    for module in (cache, direct):
        module.single_nb_execution = reported(module.single_nb_execution)


def connect(app: Sphinx) -> None:
    """Wrap myst-nb's runs of a page before any page is read."""
    app.connect("config-inited", _install)
