"""Run the gallery's examples on the build's pool, in children of the zygote.

sphinx-gallery runs each example in the Sphinx process, one after another, at
``builder-inited``: a serial stream beside the pool's pages, with a TensorFlow
import of its own, and no page can be read until it ends. Here the examples it
is about to run join the pages in the pool (:mod:`.pool`), longest first with
them, and each runs in a child forked from the zygote (:func:`.zygote.call`):
the child calls sphinx-gallery's own ``generate_file_rst``, exactly as its
parallel mode does in a worker, and hands back its result, its run
(:mod:`.gallery` measures it there) and the warnings it logged. When
sphinx-gallery then asks for an example, it gets that result.

sphinx-gallery offers no hook for an executor of its own, and its parallel
mode (joblib) starts workers that import TensorFlow again and stops at the end
of each subsection, so its module's name for ``generate_file_rst`` is replaced,
while the gallery is generated, by a wrapper that calls the original for
anything not run here.

An example whose child ends without a result (killed, out of memory,
``os._exit``) is a failed example, reported with its file and how its process
ended; its page shows its code without outputs. If the zygote itself is gone,
the example runs in the Sphinx process as it would without the pool.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import re
import signal
import tempfile
import time
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.util import logging as sphinx_logging

from tfdocs_sphinx import runs
from tfdocs_sphinx.execute import gallery, zygote

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from concurrent.futures import Future

    from sphinx.application import Sphinx

__all__ = ["Died", "Example", "Result", "child", "planned", "run_example", "serving"]

logger = sphinx_logging.getLogger(__name__)

#: What a child's warnings keep: message, type, subtype, location.
Warned = tuple[str, str | None, str | None, str | None]


@dataclass(frozen=True)
class Example:
    """An example sphinx-gallery will run in this build."""

    #: Its generated page's document name, e.g. ``auto_examples/basics/plot_a``.
    docname: str
    #: ``generate_file_rst``'s arguments: file name, target and source folders.
    fname: str
    target_dir: Path
    src_dir: Path

    @property
    def src_file(self) -> Path:
        """The example's script."""
        return self.src_dir / self.fname


@dataclass(frozen=True)
class Died:
    """An example whose child ended without a result."""

    message: str
    run: runs.Run


@dataclass(frozen=True)
class Result:
    """What an example's child handed back."""

    #: ``generate_file_rst``'s return value.
    value: tuple[str, str, tuple[float, float], dict[str, Any]]
    run: runs.Run | None
    warnings: tuple[Warned, ...]


def planned(app: Sphinx) -> list[Example]:
    """Return the examples sphinx-gallery will run: executable, outputs not current.

    The folders are walked as sphinx-gallery walks them (each gallery's root
    and its subsections), and each file is judged by sphinx-gallery's own
    functions. An example missed here simply runs in the Sphinx process.
    """
    from sphinx_gallery.gen_gallery import get_subsections
    from sphinx_gallery.gen_rst import executable_script

    conf: dict[str, Any] = app.config.sphinx_gallery_conf
    if not conf.get("plot_gallery") or conf.get("run_stale_examples"):
        return []
    srcdir = Path(app.srcdir)
    # As sphinx-gallery pairs them (it reports unequal lists itself).
    pairs = zip(
        _listed(conf["examples_dirs"]), _listed(conf["gallery_dirs"]), strict=False
    )
    found = []
    for examples_dir, gallery_dir in pairs:
        source, target = srcdir / examples_dir, srcdir / gallery_dir
        if not source.is_dir():
            continue
        for sub in ["", *get_subsections(srcdir, source, conf)]:
            for script in sorted((source / sub).glob("*.py")):
                if re.search(conf["ignore_pattern"], script.name):
                    continue
                if not executable_script(str(script), conf):
                    continue
                if _current(script, target / sub / script.name):
                    continue
                docname = (Path(gallery_dir) / sub / script.stem).as_posix()
                found.append(
                    Example(
                        docname=os.path.normpath(docname),
                        fname=script.name,
                        target_dir=target / sub,
                        src_dir=source / sub,
                    )
                )
    return found


def _current(script: Path, copy: Path) -> bool:
    """Whether sphinx-gallery will reuse the outputs: the copy's MD5 is the script's.

    sphinx-gallery copies a changed script over ``copy`` and then compares the
    copy with the MD5 it recorded for it (``md5sum_is_current``).
    """
    from sphinx_gallery.utils import get_md5sum

    recorded = Path(f"{copy}.md5")
    return recorded.is_file() and recorded.read_text() == get_md5sum(script, mode="t")


def _listed(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def run_example(example: Example, gallery_conf: bytes) -> Result | Died | None:
    """Run ``example`` in a child of the zygote; None if the zygote is gone.

    ``gallery_conf`` is sphinx-gallery's configuration, pickled. A child that
    ends without a result (killed, out of memory, ``os._exit``) gives
    :class:`Died`.
    """
    socket_path = os.environ.get(zygote.ENV_VAR)
    if not socket_path:
        return None
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="tfdocs-example-") as folder:
        job, result = Path(folder, "job.pickle"), Path(folder, "result.pickle")
        job.write_bytes(
            pickle.dumps(
                (example.fname, example.target_dir, example.src_dir, gallery_conf)
            )
        )
        with Path(os.devnull).open("rb") as stdin:
            try:
                ended = zygote.call(
                    socket_path,
                    f"{__name__}:child",
                    [str(job), str(result)],
                    stdio=(stdin.fileno(), 1, 2),
                )
            except OSError:  # the zygote is gone: sphinx-gallery runs it itself
                return None
        if ended.status == 0 and result.is_file():
            loaded: Result = pickle.loads(result.read_bytes())  # our own child's
            return loaded
    message = (
        f"tfdocs: {os.path.normpath(example.src_file)}: the example's process "
        f"{_how(ended.status)} before it finished; "
        "its output is lost with it (run the script alone with python to see "
        "how far it gets)"
    )
    run = runs.Run(
        "example",
        seconds=time.perf_counter() - start,
        peak_mb=ended.maxrss_kb / 1024,
        error=message,
        build=runs.current_build(),
    )
    return Died(message, run)


def _how(status: int) -> str:
    """Say how a process ended from its exit status.

    >>> _how(-9)
    'was killed by SIGKILL (out of memory, or kill -9)'
    >>> _how(3)
    'exited with status 3'
    """
    if status < 0:
        name = signal.Signals(-status).name
        cause = " (out of memory, or kill -9)" if -status == signal.SIGKILL else ""
        return f"was killed by {name}{cause}"
    return f"exited with status {status}"


def child(argv: list[str]) -> int:
    """In the zygote's child: generate one example's page as sphinx-gallery would.

    ``argv`` is the job file (the pickled arguments of ``generate_file_rst``)
    and the file to write the :class:`Result` to. Matplotlib renders with Agg,
    as sphinx-gallery sets it up in the Sphinx process.
    """
    import matplotlib
    from sphinx.util.console import nocolor
    from sphinx_gallery.gen_rst import generate_file_rst

    job, result = (Path(arg) for arg in argv)
    fname, target_dir, src_dir, conf = pickle.loads(job.read_bytes())
    gallery_conf = pickle.loads(conf)
    # As generate_dir_rst does before it generates a folder's examples.
    (Path(target_dir) / "images" / "thumb").mkdir(parents=True, exist_ok=True)
    matplotlib.use("agg")
    nocolor()  # messages go to the Sphinx process's log, which colours its own
    with _warnings_kept() as warned:
        value = generate_file_rst(fname, target_dir, src_dir, gallery_conf)
    run = gallery.take_run(Path(fname).name)
    result.write_bytes(pickle.dumps(Result(value, run, tuple(warned))))
    return 0


@contextlib.contextmanager
def _warnings_kept() -> Iterator[list[Warned]]:
    """Keep what Sphinx's loggers warn in this process (which has no Sphinx app)."""
    kept: list[Warned] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            location = getattr(record, "location", None)
            kept.append(
                (
                    record.getMessage(),
                    getattr(record, "type", None),
                    getattr(record, "subtype", None),
                    None if location is None else str(location),
                )
            )

    handler = Keep(logging.WARNING)
    sphinx_root = logging.getLogger("sphinx")
    sphinx_root.addHandler(handler)
    try:
        yield kept
    finally:
        sphinx_root.removeHandler(handler)


@contextlib.contextmanager
def serving(futures: dict[str, Future[Result | Died | None]]) -> Iterator[None]:
    """While the gallery is generated, give sphinx-gallery the pool's results.

    ``futures`` maps each example's script (its real path) to its run in the
    pool; sphinx-gallery runs any other example itself.
    """
    from sphinx_gallery import gen_rst

    original = gen_rst.generate_file_rst
    gen_rst.generate_file_rst = _served(original, futures)
    try:
        yield
    finally:
        gen_rst.generate_file_rst = original


def _served(
    original: Callable[..., Any], futures: dict[str, Future[Result | Died | None]]
) -> Callable[..., Any]:
    @wraps(original)
    def generate_file_rst(
        fname: str, target_dir: Any, src_dir: Any, gallery_conf: Any
    ) -> Any:
        src_file = os.path.realpath(Path(src_dir, fname))
        future = futures.pop(src_file, None)
        result = None if future is None else future.result()
        if result is None:
            return original(fname, target_dir, src_dir, gallery_conf)
        if isinstance(result, Died):
            # The message names the script (a location would name a document).
            logger.warning(result.message, type="tfdocs", subtype="example")
            gallery.put_run(Path(fname).name, result.run)
            # Its page, with the code and no outputs (and no MD5: it runs again).
            conf = {**gallery_conf, "plot_gallery": False}
            intro, title, cost, out_vars = original(fname, target_dir, src_dir, conf)
            out_vars["formatted_exception"] = result.message
            return intro, title, cost, out_vars
        for message, kind, subtype, location in result.warnings:
            logger.warning(message, type=kind, subtype=subtype, location=location)
        if result.run is not None:
            gallery.put_run(Path(fname).name, result.run)
        return result.value

    return generate_file_rst
