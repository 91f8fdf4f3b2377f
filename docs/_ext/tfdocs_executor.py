"""Execute the site's notebook pages in parallel, while the gallery runs.

myst-nb executes a page when Sphinx reads it: one page at a time, each in a new
kernel that imports TensorFlow again. This extension executes every page whose
outputs are not in the cache as soon as the build starts, on all cores, in
kernels forked from a zygote that has imported TensorFlow once
(``tfdocs_zygote``), while sphinx-gallery runs the examples in the Sphinx
process. When Sphinx then reads a page, the page's result is added to myst-nb's
jupyter-cache and myst-nb finds it there, exactly as if it had executed the page
itself.

Only the Sphinx process writes to the cache (from ``source-read``, one page at a
time), so parallel execution never meets SQLite's "database is locked". The
Sphinx process never imports TensorFlow for pages, and a build with nothing to
execute starts no zygote. A page that fails is not cached: myst-nb executes it
again when it reads it, and ``tfdocs_cell_errors`` reports the failure.

Every run's wall time, peak memory and the versions it ran with are kept in the
environment (``env.tfdocs_runs``) for ``tfdocs_report``; sphinx-gallery examples
are measured by :func:`measure_example`.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

import tfdocs_zygote

__all__ = ["Run", "example_run", "execute_notebook", "measure_example", "peak_rss_mb"]

logger = logging.getLogger(__name__)

#: Evaluated in the kernel after the last cell: what the page ran with.
_PROBE = {
    "peak_kb": "__import__('resource').getrusage(0).ru_maxrss",
    "python": "__import__('platform').python_version()",
    "tensorflow": "__import__('importlib.metadata').metadata.version('tensorflow')",
    "keras": "__import__('importlib.metadata').metadata.version('keras')",
}
#: Suffix of the JSON file that records an example's run beside its generated page.
EXAMPLE_RUN_SUFFIX = ".run.json"


@dataclass(frozen=True)
class Run:
    """What one execution of a page or example cost, and what it ran with."""

    seconds: float
    peak_mb: float
    versions: dict[str, str]
    error: str | None = None


def execute_notebook(
    notebook: Any, *, timeout: int | None, allow_errors: bool
) -> tuple[Any, Run]:
    """Execute ``notebook`` in place in a temporary folder; return it and its run.

    The kernel is the one the notebook's kernelspec names; with ``TFDOCS_ZYGOTE``
    set it is forked from the zygote. Cell errors end the run unless
    ``allow_errors``; the error is returned in :attr:`Run.error`, not raised.
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    execution = notebook.metadata.get("execution", {})
    timeout = execution.get("timeout", timeout)
    allow_errors = execution.get("allow_errors", allow_errors)
    probe: dict[str, str] = {}
    code_cells = [
        i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"
    ]

    async def record_probe(cell_index: int, **_: Any) -> None:
        """After the last cell, while the kernel still runs: ask what it ran with."""
        if cell_index != code_cells[-1]:
            return
        msg_id = client.kc.execute(
            "", silent=True, store_history=False, user_expressions=_PROBE
        )
        reply = await client.async_wait_for_reply(msg_id)
        if reply is None:  # no reply in time: the run stands, unmeasured
            return
        for name, value in reply["content"].get("user_expressions", {}).items():
            if value.get("status") == "ok":
                probe[name] = value["data"]["text/plain"].strip("'\"")

    error = None
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as cwd:
        client = NotebookClient(
            notebook,
            timeout=timeout,
            allow_errors=allow_errors,
            resources={"metadata": {"path": cwd}},
            record_timing=False,  # timings in cell metadata would change the cache key
            on_cell_executed=record_probe,
        )
        try:
            client.execute()
        except (CellExecutionError, CellTimeoutError) as exc:
            error = f"{type(exc).__name__}: {exc}"
        except Exception as exc:  # noqa: BLE001  (a dead kernel: reported, not raised)
            error = f"{type(exc).__name__}: {exc}"
    seconds = time.perf_counter() - start
    peak_mb = int(probe.pop("peak_kb", "0")) / 1024
    return notebook, Run(seconds=seconds, peak_mb=peak_mb, versions=probe, error=error)


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM) in MB, Linux only (else 0)."""
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:
        return 0.0
    match = re.search(r"^VmHWM:\s+(\d+) kB", status, flags=re.MULTILINE)
    return int(match.group(1)) / 1024 if match else 0.0


def _reset_peak_rss() -> None:
    """Restart VmHWM from the current size (Linux >= 4.0), so a peak is per example."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5", encoding="ascii")


_example_start: dict[str, float] = {}


def measure_example(gallery_conf: dict[str, Any], fname: str | None, when: str) -> None:
    """sphinx-gallery ``reset_modules`` hook: record each example's time and peak.

    Listed last in ``reset_modules`` with ``reset_modules_order = "both"``. The
    record lands beside the example's generated page as ``<name>.run.json`` so
    that later builds, which skip the unchanged example, still know its cost.
    """
    if fname is None:
        return
    if when == "before":
        _reset_peak_rss()
        _example_start[str(fname)] = time.perf_counter()
        return
    start = _example_start.pop(str(fname), None)
    if start is None:
        return
    versions = {"python": sys.version.split()[0]}
    for name in ("tensorflow", "keras"):
        module = sys.modules.get(name)
        if module is not None:
            versions[name] = module.__version__
    run = Run(
        seconds=time.perf_counter() - start, peak_mb=peak_rss_mb(), versions=versions
    )
    # sphinx-gallery passes the bare file name; its copy beside the generated
    # page (made before the example ran) says which gallery folder it is in.
    src_dir = Path(gallery_conf["src_dir"])
    copies = [
        copy
        for gallery in _as_list(gallery_conf["gallery_dirs"])
        for copy in (src_dir / gallery).rglob(Path(fname).name)
    ]
    if not copies:
        return
    target = max(copies, key=lambda copy: copy.stat().st_mtime)
    target.with_suffix(EXAMPLE_RUN_SUFFIX).write_text(
        json.dumps(asdict(run), indent=1), encoding="utf-8"
    )


def example_run(srcdir: str | Path, docname: str) -> dict[str, Any] | None:
    """The run :func:`measure_example` recorded for a gallery page, if any."""
    path = Path(srcdir, f"{docname}{EXAMPLE_RUN_SUFFIX}")
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


# -- The build ----------------------------------------------------------------


@dataclass
class _Pending:
    notebook: Any
    path: Path
    read_fmt: dict[str, Any] | None
    future: Future[tuple[Any, Run]]


class _State:
    """What one build has started: the zygote, the pool and the pending pages."""

    def __init__(self) -> None:
        self.pending: dict[str, _Pending] = {}
        self.cached: dict[str, dict[str, Any]] = {}
        self.pool: ThreadPoolExecutor | None = None
        self.zygote: subprocess.Popen[bytes] | None = None
        self.socket_dir: tempfile.TemporaryDirectory[str] | None = None

    def stop(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
        if self.zygote is not None:
            self.zygote.terminate()
            try:
                self.zygote.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.zygote.kill()
            self.zygote = None
            os.environ.pop(tfdocs_zygote.ENV_VAR, None)
        if self.socket_dir is not None:
            self.socket_dir.cleanup()
            self.socket_dir = None


def start_execution(app: Sphinx) -> None:
    """Submit every notebook page missing from the cache to the worker pool."""
    from jupyter_cache import get_cache
    from myst_nb.core.read import create_nb_reader
    from myst_nb.sphinx_ext import create_mystnb_config
    from myst_parser.sphinx_ext.main import create_myst_config

    state = _State()
    app.tfdocs_executor = state  # type: ignore[attr-defined]
    if app.builder.format != "html" or app.config.nb_execution_mode != "cache":
        return
    # myst-parser and myst-nb make these in their own builder-inited handlers,
    # which run after this one; making them here too changes nothing.
    with logging.suppress_logging():
        create_myst_config(app)
        create_mystnb_config(app)
    md_config, nb_config = app.env.myst_config, app.env.mystnb_config
    cache = get_cache(nb_config.execution_cache_path)

    found = app.project.discover(
        app.config.exclude_patterns, app.config.include_patterns
    )
    work = []
    for docname in sorted(found):
        path = Path(app.project.doc2path(docname, absolute=True))
        if path.suffix not in (".md", ".ipynb"):
            continue
        content = path.read_text(encoding="utf-8")
        reader = create_nb_reader(str(path), md_config, nb_config, content)
        if reader is None:
            continue
        notebook = reader.read(content)
        page_config = _page_config(notebook, nb_config)
        if _excluded(path, page_config.execution_excludepatterns):
            continue
        try:
            record = cache.match_cache_notebook(notebook)
        except KeyError:
            work.append((docname, path, reader.read_fmt, notebook, page_config))
        else:
            state.cached[docname] = dict(record.data)
    if not work:
        return

    state.socket_dir = tempfile.TemporaryDirectory(prefix="tfdocs-zygote-")
    socket_path = str(Path(state.socket_dir.name, "zygote.sock"))
    env = dict(os.environ, MPLBACKEND="module://matplotlib_inline.backend_inline")
    state.zygote = subprocess.Popen(
        [sys.executable, "-m", "tfdocs_zygote", "serve", socket_path], env=env
    )
    os.environ[tfdocs_zygote.ENV_VAR] = socket_path
    workers = app.config.tfdocs_execution_workers or os.cpu_count() or 1
    state.pool = ThreadPoolExecutor(
        max_workers=workers, thread_name_prefix="tfdocs-exec"
    )
    logger.info(
        "tfdocs: executing %d pages on %d workers while the gallery runs",
        len(work),
        workers,
    )
    for docname, path, read_fmt, notebook, page_config in work:
        future = state.pool.submit(
            execute_notebook,
            notebook,
            timeout=page_config.execution_timeout,
            allow_errors=page_config.execution_allow_errors,
        )
        state.pending[docname] = _Pending(notebook, path, read_fmt, future)


def _page_config(notebook: Any, nb_config: Any) -> Any:
    """The page's execution settings: the site's, updated by its ``mystnb`` metadata.

    Mirrors myst-nb's parser, so the page runs with the kernel and limits
    myst-nb would give it and hashes to the same cache key.
    """
    from myst_nb.core.nb_to_tokens import nb_node_to_dict

    kernelspec = notebook.metadata.get("kernelspec", {})
    name = kernelspec.get("name")
    for pattern, alias in nb_config.kernel_rgx_aliases.items():
        if name is not None and re.fullmatch(pattern, name):
            kernelspec["name"] = alias
            break
    overrides = nb_node_to_dict(notebook.metadata.get(nb_config.metadata_key, {}))
    overrides.pop("output_folder", None)
    return nb_config.copy(**overrides) if overrides else nb_config


def _excluded(path: Path, patterns: Any) -> bool:
    posix = PurePosixPath(path.as_posix())
    return any(posix.match(pattern) for pattern in patterns)


def collect_result(app: Sphinx, docname: str, source: list[str]) -> None:
    """Before myst-nb reads a page: wait for its run and put it in the cache."""
    state: _State | None = getattr(app, "tfdocs_executor", None)
    if state is None:
        return
    runs = _runs(app.env)
    if docname in state.cached:
        runs[docname] = state.cached[docname]
    pending = state.pending.pop(docname, None)
    if pending is None:
        return
    notebook, run = pending.future.result()
    if run.error is not None:
        logger.info(
            "tfdocs: %s failed (%s); myst-nb runs it again to report it",
            docname,
            run.error.splitlines()[0] if run.error else "",
        )
        return
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    cache = get_cache(app.env.mystnb_config.execution_cache_path)
    record = cache.add_nb_to_project(str(pending.path), read_data=pending.read_fmt)
    data = {"execution_seconds": run.seconds, **asdict(run)}
    cache.cache_notebook_bundle(
        CacheBundleIn(notebook, record.uri, data=data),
        check_validity=False,
        overwrite=True,
    )
    runs[docname] = data
    logger.info(
        "tfdocs: executed %s in %.1f s (peak %.0f MB)",
        docname,
        run.seconds,
        run.peak_mb,
    )


def stop_execution(app: Sphinx, *_: Any) -> None:
    """Stop the pool and the zygote once every page has been read (or on error)."""
    state: _State | None = getattr(app, "tfdocs_executor", None)
    if state is not None:
        state.stop()


def _runs(env: BuildEnvironment) -> dict[str, dict[str, Any]]:
    if not hasattr(env, "tfdocs_runs"):
        env.tfdocs_runs = {}  # type: ignore[attr-defined]
    return env.tfdocs_runs  # type: ignore[attr-defined]


def purge_run(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _runs(env).pop(docname, None)


def merge_runs(
    app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment
) -> None:
    runs = _runs(other)
    _runs(env).update({name: runs[name] for name in docnames if name in runs})


def setup(app: Sphinx) -> dict[str, Any]:
    """Start before sphinx-gallery (builder-inited, priority 500) so both overlap."""
    app.add_config_value("tfdocs_execution_workers", 0, "", types=(int,))
    app.connect("builder-inited", start_execution, priority=450)
    app.connect("source-read", collect_result)
    app.connect("env-updated", stop_execution)
    app.connect("build-finished", stop_execution)
    app.connect("env-purge-doc", purge_run)
    app.connect("env-merge-info", merge_runs)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
