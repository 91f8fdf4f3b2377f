"""Edit a source file for a benchmark, and put it back whatever ends the benchmark.

``tools/bench.py`` changes a page of ``docs/`` to time the rebuild after an
edit. :func:`edited` writes the change and restores the original bytes when the
block ends: normally, on an exception, on Ctrl-C (``KeyboardInterrupt``) and on
``SIGTERM`` (turned into ``SystemExit`` for the block's duration, so ``finally``
runs). Both writes are atomic (a temporary file in the same folder, then
``os.replace``): the file is always either the original or the edit, never
half of one. Before editing, the original and the edit are saved to a backup in
``backups``; a benchmark killed outright (``SIGKILL``, a power cut) leaves it
behind, and :func:`restore_leftovers` puts the original back on the next run,
unless the file was changed since (then it is left alone and reported).
:func:`checked_out` dates a folder's files as a fresh checkout does.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import tempfile
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from types import FrameType

__all__ = [
    "checked_out",
    "edited",
    "restore_leftovers",
    "sigterm_raises",
    "write_atomic",
]


def write_atomic(path: Path, data: bytes) -> None:
    """Replace the content of ``path`` with ``data`` in one step.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     target = Path(folder, "page.md")
    ...     write_atomic(target, b"new")
    ...     target.read_bytes()
    b'new'
    """
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        if path.exists():
            Path(name).chmod(path.stat().st_mode)
        Path(name).replace(path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def _backup_path(backups: Path, path: Path) -> Path:
    digest = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:16]
    return backups / f"{path.name}.{digest}.json"


def _exit_on_sigterm(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


@contextlib.contextmanager
def sigterm_raises() -> Iterator[None]:
    """Within the block, ``SIGTERM`` raises ``SystemExit`` (main thread only).

    Python's default for ``SIGTERM`` ends the process at once, running no
    ``finally``; Ctrl-C already raises ``KeyboardInterrupt``.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def edited(path: Path, change: Callable[[str], str], *, backups: Path) -> Iterator[str]:
    """Within the block, ``path`` holds ``change(original text)``; then the original.

    Parameters
    ----------
    path
        The UTF-8 text file to edit.
    change
        Returns the edited text from the original.
    backups
        Folder for the backup that outlives a killed benchmark.

    Yields
    ------
    str
        The edited text.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     page = Path(folder, "page.md")
    ...     _ = page.write_text("Some words.")
    ...     with edited(page, str.upper, backups=Path(folder, "b")):
    ...         during = page.read_text()
    ...     during, page.read_text()
    ('SOME WORDS.', 'Some words.')
    """
    if not path.is_file():
        msg = f"path: {path} is not a file"
        raise ValueError(msg)
    original = path.read_bytes()
    text = change(original.decode("utf-8"))
    backups.mkdir(parents=True, exist_ok=True)
    backup = _backup_path(backups, path)
    record = {"path": str(path.resolve()), "original": original.decode("utf-8"),
              "edited": text}  # fmt: skip
    with sigterm_raises():
        write_atomic(backup, json.dumps(record).encode("utf-8"))
        try:
            write_atomic(path, text.encode("utf-8"))
            yield text
        finally:
            write_atomic(path, original)
            backup.unlink(missing_ok=True)


def restore_leftovers(backups: Path) -> list[str]:
    """Put back the files a killed benchmark left edited; return what was done.

    A file that no longer holds the edit was changed by someone since: it is
    left as it is, and the backup is dropped.
    """
    done = []
    for backup in sorted(backups.glob("*.json")) if backups.is_dir() else []:
        record = json.loads(backup.read_text(encoding="utf-8"))
        path = Path(record["path"])
        if path.is_file() and path.read_text(encoding="utf-8") == record["edited"]:
            write_atomic(path, record["original"].encode("utf-8"))
            done.append(f"restored {path}")
        else:
            done.append(f"left {path} as it is (changed since the benchmark edited it)")
        backup.unlink()
    return done


@contextlib.contextmanager
def checked_out(folder: Path) -> Iterator[None]:
    """Within the block, every file in ``folder`` is dated now, as a fresh checkout is.

    When the block ends, each file still dated so gets its time back; a file
    written meanwhile keeps its new time (an older one could hide the change
    from a build that compares times). Contents are never touched.
    """
    files = [path for path in sorted(folder.rglob("*")) if path.is_file()]
    times = {path: path.stat().st_mtime_ns for path in files}
    now = time.time_ns()
    for path in files:
        os.utime(path, ns=(now, now))
    try:
        yield
    finally:
        for path, mtime_ns in times.items():
            with contextlib.suppress(FileNotFoundError):
                if path.stat().st_mtime_ns == now:
                    os.utime(path, ns=(mtime_ns, mtime_ns))
