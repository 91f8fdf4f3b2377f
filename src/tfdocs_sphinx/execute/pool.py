"""Execute the site's notebook pages and gallery examples in parallel.

myst-nb executes a page when Sphinx reads it: one page at a time, each in a new
kernel that imports TensorFlow again; sphinx-gallery runs the examples one after
another in the Sphinx process. This part executes every page whose outputs are
not in the cache, and every example sphinx-gallery is about to run
(:mod:`.examples`), as soon as the build starts, longest first, on all cores,
in kernels and children forked from a zygote that has imported TensorFlow once
(:mod:`.zygote`). When Sphinx then reads a page, the page's result is added to
myst-nb's jupyter-cache and myst-nb finds it there, exactly as if it had
executed the page itself; sphinx-gallery gets each example's result the same
way.

Only the Sphinx process writes to the cache (from ``source-read``, one page at a
time), so parallel execution never meets SQLite's "database is locked". The
Sphinx process never imports TensorFlow for pages, and a build with nothing to
execute starts no zygote. A page that fails is not cached: myst-nb executes it
again when it reads it, and :mod:`..checks.cell_errors` reports the failure.

Every run's wall time, peak memory and the versions it ran with go to the run
record (:mod:`..runs`); a cached page's run comes back from the cache with it.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from sphinx.util import logging

from tfdocs_sphinx import notebooks, runs
from tfdocs_sphinx.execute import (
    channels,
    examples,
    lifetime,
    lock,
    order,
    rerun,
    zygote,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from nbformat import NotebookNode
    from sphinx.application import Sphinx

__all__ = ["execute_notebook"]

logger = logging.getLogger(__name__)

#: Evaluated in the kernel after the last cell: what the page ran with.
_PROBE = {
    "peak_kb": "__import__('resource').getrusage(0).ru_maxrss",
    "python": "__import__('platform').python_version()",
    "tensorflow": "__import__('importlib.metadata').metadata.version('tensorflow')",
    "keras": "__import__('importlib.metadata').metadata.version('keras')",
    # What the page started and left running (killed here): reported by page.
    # As JSON, which the client decodes: parsing a repr (ast.literal_eval) in a
    # pool thread while Sphinx parses code in the main thread trips CPython
    # 3.11's "AST constructor recursion depth mismatch" (python/cpython#106905).
    "leftovers": (
        "__import__('IPython.display', fromlist=['JSON']).JSON("
        f"__import__({lifetime.__name__!r}, fromlist=['_']).end_strays())"
    ),
}
#: Seconds a kernel may take to start, the zygote's imports included.
_STARTUP_TIMEOUT = 300
#: Where a cached page's run is kept in its jupyter-cache record (myst-nb reads
#: ``execution_seconds`` from the same record for its own tables).
CACHE_KEY = "tfdocs_run"


def execute_notebook(
    notebook: NotebookNode, *, timeout: int | None, allow_errors: bool
) -> tuple[NotebookNode, runs.Run]:
    """Execute ``notebook`` in place in a temporary folder; return it and its run.

    The kernel is the one the notebook's kernelspec names; with ``TFDOCS_ZYGOTE``
    set it is forked from the zygote. Cell errors end the run unless
    ``allow_errors``; the error is returned in :attr:`.Run.error`, not raised.
    """
    from nbclient import NotebookClient

    execution = notebook.metadata.get("execution", {})
    timeout = execution.get("timeout", timeout)
    allow_errors = execution.get("allow_errors", allow_errors)
    probe: dict[str, str] = {}
    leftovers: tuple[str, ...] = ()
    code_cells = [
        i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"
    ]

    async def record_probe(cell_index: int, **_: Any) -> None:
        """After the last cell, while the kernel still runs: ask what it ran with."""
        nonlocal leftovers
        if cell_index != code_cells[-1] or client.kc is None:
            return
        msg_id = client.kc.execute(
            "", silent=True, store_history=False, user_expressions=_PROBE
        )
        reply = await client.async_wait_for_reply(msg_id)
        if reply is None:  # no reply in time: the run stands, unmeasured
            return
        for name, value in reply["content"].get("user_expressions", {}).items():
            if value.get("status") != "ok":
                continue
            if name == "leftovers":
                leftovers = _strings(value["data"].get("application/json"))
            else:
                probe[name] = value["data"]["text/plain"]

    error = None
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as cwd, channels.unix_sockets() as config:
        client = NotebookClient(
            notebook,
            config=config,  # no TCP ports to collide with another process's
            timeout=timeout,
            allow_errors=allow_errors,
            resources={"metadata": {"path": cwd}},
            record_timing=False,  # timings in cell metadata would change the cache key
            # The first kernels wait while the zygote imports what it preloads
            # (TensorFlow: seconds, more on a busy machine), once per build.
            startup_timeout=_STARTUP_TIMEOUT,
            on_cell_executed=record_probe,
            **rerun.NOTEBOOK_CLIENT_OPTIONS,  # late output fails the page
        )
        try:
            client.execute()
        except Exception as exc:  # noqa: BLE001  (a cell, a timeout, a dead kernel: reported)
            error = f"{type(exc).__name__}: {exc}"
    seconds = time.perf_counter() - start
    peak_mb = int(probe.pop("peak_kb", "0")) / 1024
    versions = {name: value.strip("'\"") for name, value in probe.items()}
    run = runs.Run(
        "page",
        seconds,
        peak_mb,
        versions,
        error=error,
        build=runs.current_build(),
        leftovers=leftovers,
    )
    return notebook, run


# -- The build ----------------------------------------------------------------


@dataclass
class _Pending:
    page: notebooks.NotebookPage
    future: Future[tuple[NotebookNode, runs.Run]]


class Executor:
    """What one build has started: the zygote, the pool and the pending pages."""

    def __init__(self) -> None:
        self.pending: dict[str, _Pending] = {}
        #: Each example's run in the pool, by its script's real path.
        self.examples: dict[str, Future[examples.Result | examples.Died | None]] = {}
        #: While the gallery is generated: sphinx-gallery gets the pool's results.
        self.serving = contextlib.ExitStack()
        self.cached: dict[str, runs.Run] = {}
        self.pool: ThreadPoolExecutor | None = None
        self.zygote: subprocess.Popen[bytes] | None = None
        self.socket_dir: tempfile.TemporaryDirectory[str] | None = None
        self.zygote_lost = False
        #: The units submitted, in the order they are expected to end.
        self.finish_order: list[str] = []

    def start(self, app: Sphinx) -> None:
        """Submit every page missing from the cache, and every example to run, to the pool.

        The zygote starts at the first unit found to run, so its imports overlap
        the look-up of the rest.
        """
        from jupyter_cache import get_cache

        if app.builder.format != "html" or app.config.nb_execution_mode != "cache":
            return
        notebooks.ensure_configs(app)
        jobs = examples.planned(app)
        # Pickled here, once, before sphinx-gallery adds to it from this thread.
        gallery_conf = pickle.dumps(app.config.sphinx_gallery_conf) if jobs else b""
        if jobs:
            self._start_zygote(app)
        cache = get_cache(notebooks.mystnb_config(app.env).execution_cache_path)
        found = app.project.discover(
            app.config.exclude_patterns, app.config.include_patterns
        )
        work = []
        for docname in sorted(found):
            page = notebooks.read_page(app, docname)
            if page is None or _excluded(
                page.path, page.config.execution_excludepatterns
            ):
                continue
            try:
                cached = cache.match_cache_notebook(page.notebook)
            except KeyError:
                self._start_zygote(app)
                work.append(page)
            else:
                data = cached.data.get(CACHE_KEY)
                if data is not None:
                    self.cached[docname] = runs.Run.from_json(data)
        if work or jobs:
            self._submit(app, work, jobs, gallery_conf)

    def _start_zygote(self, app: Sphinx) -> None:
        """Start the zygote, once; kernels asked for meanwhile wait for its imports."""
        if self.zygote is not None:
            return
        self.socket_dir = tempfile.TemporaryDirectory(prefix="tfdocs-zygote-")
        socket_path = str(Path(self.socket_dir.name, "zygote.sock"))
        env = dict(os.environ, MPLBACKEND="module://matplotlib_inline.backend_inline")
        self.zygote = subprocess.Popen(
            [sys.executable, "-m", zygote.__name__, "serve", socket_path,
             *app.config.tfdocs_preload],
            env=env,
        )  # fmt: skip
        os.environ[zygote.ENV_VAR] = socket_path

    def _submit(
        self,
        app: Sphinx,
        work: list[notebooks.NotebookPage],
        jobs: list[examples.Example],
        gallery_conf: bytes,
    ) -> None:
        # As many as the cores. More keep the cores busier but cost more CPU
        # than they save: with 4 kernels on 2 cores the build used 13 to 20 %
        # more CPU (caches, switches). Cold builds of this site, 2 cores, widths
        # in turns in one hour (7 Dec): 2 workers 344.3 and 335.7 s (588 and
        # 571 CPU s, peak 2.0 GB); 3: 364.9 s (668); 4: 364.0 and 370.2 s (666
        # and 685 CPU s, 2.8 GB).
        workers = app.config.tfdocs_execution_workers or os.cpu_count() or 1
        self.pool = ThreadPoolExecutor(
            max_workers=workers, thread_name_prefix="tfdocs-exec"
        )
        # However the build ends (Ctrl-C and an error at start-up skip Sphinx's
        # build-finished), queued pages must not run at exit: the interpreter
        # joins the pool's threads after calling these hooks, and before atexit's
        # (concurrent.futures registers its own join the same way).
        register = getattr(threading, "_register_atexit", None)
        if register is not None:
            register(self.abort)
        # The examples first: Sphinx reads no page before sphinx-gallery has
        # them all, and then reads each page while the pool runs the rest.
        previous = order.expected_seconds(app.doctreedir, app.srcdir)
        units: list[notebooks.NotebookPage | examples.Example] = [
            *order.longest_first(jobs, previous),
            *order.longest_first(work, previous),
        ]
        self.finish_order = order.finish_order(
            [unit.docname for unit in units], previous, workers=workers
        )
        logger.info(
            "tfdocs: executing %d pages and %d examples on %d workers",
            len(work),
            len(jobs),
            workers,
        )
        for unit in units:
            if isinstance(unit, examples.Example):
                key = os.path.realpath(unit.src_file)
                self.examples[key] = self.pool.submit(
                    examples.run_example, unit, gallery_conf
                )
                continue
            future = self.pool.submit(
                execute_notebook,
                unit.notebook,
                timeout=unit.config.execution_timeout,
                allow_errors=unit.config.execution_allow_errors,
            )
            self.pending[unit.docname] = _Pending(unit, future)
        if self.examples:
            self.serving.enter_context(examples.serving(self.examples))

    def order_reading(self, app: Sphinx, env: object, docnames: list[str]) -> None:
        """Have Sphinx read the pages in the order their runs should end (env-before-read-docs).

        The pages with nothing to wait for come first, in Sphinx's order; then
        the pages still running, as :func:`.order.finish_order` expects them to
        end.
        """
        rank = {name: i for i, name in enumerate(self.finish_order)}
        waiting = {name for name in docnames if name in self.pending}
        docnames.sort(key=lambda name: (name in waiting, rank.get(name, 0)))

    def gallery_generated(self, app: Sphinx) -> None:
        """sphinx-gallery has run: it runs any example it generates later itself."""
        self.serving.close()

    def collect(self, app: Sphinx, docname: str, source: list[str]) -> None:
        """Before myst-nb reads a page: wait for its run and put it in the cache."""
        if docname in self.cached:
            runs.deliver(docname, self.cached[docname])
            _report_leftovers(docname, self.cached[docname])
        pending = self.pending.pop(docname, None)
        if pending is None:
            return
        notebook, run = pending.future.result()
        self._check_zygote()
        runs.deliver(docname, run)
        _report_leftovers(docname, run)
        if run.error is not None:
            logger.info(
                "tfdocs: %s failed (%s); myst-nb runs it again to report it",
                docname,
                run.error.splitlines()[0] if run.error else "",
            )
            return
        from jupyter_cache import get_cache
        from jupyter_cache.base import CacheBundleIn

        cache = get_cache(notebooks.mystnb_config(app.env).execution_cache_path)
        # As myst-nb does: an .ipynb page has no read format, the cache's default.
        read_fmt = pending.page.read_fmt
        path = str(pending.page.path)
        record = (
            cache.add_nb_to_project(path, read_data=read_fmt)
            if read_fmt is not None
            else cache.add_nb_to_project(path)
        )
        data = {"execution_seconds": run.seconds, CACHE_KEY: run.to_json()}
        cache.cache_notebook_bundle(
            CacheBundleIn(
                notebooks.join_notebook_streams(notebook), record.uri, data=data
            ),
            check_validity=False,
            overwrite=True,
        )
        logger.info(
            "tfdocs: executed %s in %.1f s (peak %.0f MB)",
            docname,
            run.seconds,
            run.peak_mb,
        )

    def _check_zygote(self) -> None:
        """Warn once if the zygote has died; the pages left then use plain kernels."""
        if self.zygote is None or self.zygote_lost:
            return
        status = self.zygote.poll()
        if status is None:
            return
        self.zygote_lost = True
        os.environ.pop(zygote.ENV_VAR, None)  # kernels started from now on are plain
        logger.warning(
            "tfdocs: the zygote (pid %d) exited with status %d; pages running in "
            "it failed and run again, and the pages left run in plain kernels "
            "(each imports TensorFlow again)",
            self.zygote.pid,
            status,
            type="tfdocs",
            subtype="zygote",
        )

    def abort(self) -> None:
        """Cancel the queued pages and end the running ones: the build is over."""
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
        self._stop_zygote()

    def stop(self, app: Sphinx, *_: object) -> None:
        """Stop the pool and the zygote once every page has been read (or on error).

        Queued pages are cancelled and the zygote (with its kernels) is stopped
        before the pool is joined, so a build that ends early does not wait for
        the pages in flight.
        """
        self.abort()
        self.serving.close()
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
        if self.socket_dir is not None:
            self.socket_dir.cleanup()
            self.socket_dir = None

    def _stop_zygote(self) -> None:
        if self.zygote is None:
            return
        self.zygote.terminate()  # it kills every kernel's process group as it exits
        try:
            self.zygote.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.zygote.kill()
            self.zygote.wait()
        self.zygote = None
        os.environ.pop(zygote.ENV_VAR, None)


def _strings(value: object) -> tuple[str, ...]:
    """Return the list of strings a kernel returned as JSON; else nothing.

    >>> _strings(["1 sleep 300"]), _strings(None), _strings("x")
    (('1 sleep 300',), (), ())
    """
    return tuple(str(item) for item in value) if isinstance(value, list) else ()


def _report_leftovers(docname: str, run: runs.Run) -> None:
    """Warn, naming the page, if it left processes running after its last cell.

    The run (and the page's outputs) are kept, so every later build warns again
    until the page ends what it starts.
    """
    if not run.leftovers:
        return
    logger.warning(
        "tfdocs: the page left %d process%s running after its last cell, killed "
        "by the build: %s; end what a page starts (a with block, or terminate() "
        "and wait())",
        len(run.leftovers),
        "" if len(run.leftovers) == 1 else "es",
        "; ".join(run.leftovers),
        location=docname,
        type="tfdocs",
        subtype="leftovers",
    )


def _excluded(path: Path, patterns: Iterable[str]) -> bool:
    posix = PurePosixPath(path.as_posix())
    return any(posix.match(pattern) for pattern in patterns)


def connect(app: Sphinx) -> None:
    """Start before sphinx-gallery generates the gallery (builder-inited, priority 500)."""
    executor = Executor()
    lock.connect(app)
    rerun.connect(app)
    app.connect("builder-inited", executor.start, priority=450)
    app.connect("builder-inited", executor.gallery_generated, priority=540)
    # sphinx-sitemap forks a manager at builder-inited: replaced once every extension is set up.
    app.connect("config-inited", lifetime.no_sitemap_manager)
    app.connect("env-before-read-docs", executor.order_reading)
    app.connect("source-read", executor.collect)
    app.connect("env-updated", executor.stop)
    app.connect("build-finished", executor.stop)
