"""One build at a time per clone: a lock on a file beside the doctrees.

Two builds of the same clone (``nox -s serve`` while ``nox -s docs`` runs, the
benchmark during a build) share the environment, the jupyter-cache database,
the gallery's outputs and the run record; run together they could mix two
sites into one or break the cache. The first build takes an exclusive
``flock`` on ``<doctrees>/tfdocs.lock`` before Sphinx loads its environment; a
second one says which build holds it and waits, up to ``tfdocs_lock_wait``
seconds, then stops with that message. The kernel releases the lock when the
holder exits, however it exits (``kill -9`` included), so a stale lock cannot
block a later build.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path
from typing import IO, TYPE_CHECKING

from sphinx.errors import SphinxError
from sphinx.util import logging

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

__all__ = ["LOCK_FILE", "BuildLocked", "acquire", "connect"]

logger = logging.getLogger(__name__)

#: The lock's file in the doctrees folder; it holds the pid of the build.
LOCK_FILE = "tfdocs.lock"
_POLL = 0.2
#: The open lock files of this process (held until it exits).
_held: dict[Path, IO[str]] = {}


class BuildLocked(SphinxError):
    """Another build of the same clone holds the lock."""

    category = "Another build is running"


def acquire(path: Path, *, wait: float) -> bool:
    """Take the lock at ``path`` for this process, waiting up to ``wait`` seconds.

    Returns whether it had to wait. Raises :class:`BuildLocked` naming the
    holder's pid if the lock is still held after ``wait`` seconds.
    """
    if wait < 0:
        msg = f"wait must be at least 0 seconds; got {wait!r}"
        raise ValueError(msg)
    path = path.resolve()
    if path in _held:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+", encoding="ascii")
    deadline = time.monotonic() + wait
    waited = False
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            holder = _holder(path)
            if time.monotonic() >= deadline:
                handle.close()
                msg = (
                    f"another build of this clone (pid {holder}) holds {path}; "
                    f"gave up after waiting {wait:g} s (tfdocs_lock_wait)"
                )
                raise BuildLocked(msg) from None
            if not waited:
                logger.info(
                    "tfdocs: another build of this clone (pid %s) holds %s; "
                    "waiting up to %g s for it to finish",
                    holder,
                    path,
                    wait,
                )
                waited = True
            time.sleep(_POLL)
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    _held[path] = handle
    return waited


def _holder(path: Path) -> str:
    try:
        return path.read_text(encoding="ascii").strip() or "?"
    except OSError:
        return "?"


def _lock(app: Sphinx, config: Config) -> None:
    """Take the lock, or end the build with the reason and no crash report."""
    try:
        acquire(Path(app.doctreedir, LOCK_FILE), wait=float(config.tfdocs_lock_wait))
    except BuildLocked as exc:
        logger.error("tfdocs: %s", exc)  # no traceback: not a crash
        raise SystemExit(2) from None


def connect(app: Sphinx) -> None:
    """Lock at ``config-inited``, before Sphinx loads the environment."""
    app.connect("config-inited", _lock, priority=1)
