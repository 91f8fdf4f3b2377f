"""Sphinx writes the HTML on every core, though it reads the pages in one process.

Sphinx's own parallelism (``-j N``) is all or nothing: it reads in parallel only
if every extension declares parallel reading safe, and writes in parallel only
if ``-j`` is given. This build cannot read in parallel (a page is read when the
pool's run of it ends, and sphinx-mathjax-offline declares nothing, which ``-W``
makes an error), so it wrote every page in one process, on one core, while the
other idled: the largest part of the cold build's overhead (``nox -s bench``,
``cold_phases``). Once the pages are read (``env-updated``, after the pool and
the zygote have stopped, so no kernel is starting while Sphinx forks), the
build asks Sphinx for ``tfdocs_write_processes`` processes: the Sphinx process
resolves each page and feeds the search index, forked writers render the HTML.
Written by hand because Sphinx has no setting for parallel writing alone (its
``-j`` asks for both); the parallel writing is Sphinx's own. An extension that
declares parallel writing unsafe keeps the build in one process, as ``-j``
would, said once instead of a warning. A Sphinx application builds once (the
command line, sphinx-autobuild's subprocesses), so the setting is not undone.

A writer is a fork of the Sphinx process: each is tied to it
(:func:`..execute.lifetime.die_with_parent`), so a killed build leaves no
writer behind. What a writer does to the Sphinx application is lost when it
ends, so a handler of ``html-page-context`` must not collect anything for later
(:mod:`.sitemap` collects the sitemap's pages in the Sphinx process).
"""

from __future__ import annotations

import os
import signal
from typing import TYPE_CHECKING

from sphinx.util import logging

from tfdocs_sphinx.execute.lifetime import die_with_parent

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

__all__ = ["connect", "tie_forks", "write_in_parallel", "write_processes"]

logger = logging.getLogger(__name__)

#: [the process whose forks die with it (0: none), the process that last forked].
_forks: list[int] = []


def write_processes(setting: int, *, cores: int | None) -> int:
    """Return how many processes write the HTML: ``setting``, or by default the cores + 1.

    The Sphinx process resolves the pages while the others render them, and
    it has less to do: one more than the cores keeps every core busy (2 cores,
    this site: 19.6 s alone, 14.5 with 2 processes, 7.4 to 9.9 with 3, 11.2
    with 4). One core, or an unknown count, writes in the Sphinx process alone.

    >>> write_processes(0, cores=2)
    3
    >>> write_processes(0, cores=1), write_processes(0, cores=None)
    (1, 1)
    >>> write_processes(2, cores=8)
    2
    >>> write_processes(-1, cores=2)
    Traceback (most recent call last):
    ...
    ValueError: tfdocs_write_processes must be 0 (the cores + 1) or more; got -1
    """
    if isinstance(setting, bool) or not isinstance(setting, int):
        msg = f"tfdocs_write_processes must be an int; got {setting!r}"
        raise TypeError(msg)
    if setting < 0:
        msg = f"tfdocs_write_processes must be 0 (the cores + 1) or more; got {setting}"
        raise ValueError(msg)
    if setting:
        return setting
    return cores + 1 if cores is not None and cores > 1 else 1


def tie_forks(parent: int | None) -> None:
    """Have every process ``parent`` forks from now on die with it; None: no longer.

    Registered once per process with :func:`os.register_at_fork`, which cannot
    be undone: the hook does nothing in a child of any other process, or after
    ``tie_forks(None)``.
    """
    if not _forks:
        os.register_at_fork(before=_forking, after_in_child=_die_with_tied_parent)
        _forks.extend((0, 0))
    _forks[0] = parent or 0


def _forking() -> None:
    _forks[1] = os.getpid()


def _die_with_tied_parent() -> None:
    # Not os.getppid(): the parent may already be gone (die_with_parent handles it).
    tied, forked_by = _forks
    if tied and forked_by == tied:
        die_with_parent(signal.SIGKILL, parent=tied)


def write_in_parallel(app: Sphinx, env: BuildEnvironment) -> None:
    """Ask Sphinx to write the pages in several processes (``env-updated``).

    Not if an extension declares itself unsafe for parallel writing: Sphinx
    would warn (an error with ``-W``) and write in one process; here the build
    says so once and writes in one process.
    """
    if app.builder.format != "html" or app.parallel > 1:
        return  # another builder, or -j: Sphinx's own choice stands
    processes = write_processes(app.config.tfdocs_write_processes, cores=os.cpu_count())
    if processes <= 1:
        return
    unsafe = sorted(
        name
        for name, extension in app.extensions.items()
        if not getattr(extension, "parallel_write_safe", True)
    )
    if unsafe:
        logger.info(
            "tfdocs: writing in one process (not safe for parallel writing: %s)",
            ", ".join(unsafe),
        )
        return
    tie_forks(os.getpid())
    app.parallel = processes


def _untie(app: Sphinx, exception: BaseException | None) -> None:
    tie_forks(None)


def connect(app: Sphinx) -> None:
    """After the pool has stopped at ``env-updated`` (priority 500)."""
    app.connect("env-updated", write_in_parallel, priority=900)
    app.connect("build-finished", _untie)
