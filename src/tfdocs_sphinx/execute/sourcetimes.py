"""Unchanged sources keep their times, so a fresh clone reads again only what changed.

Sphinx reads a document again when its source, or a file it depends on, is
newer than its last read (``sphinx.environment._has_doc_changed``; content
hashes are an open request, sphinx-doc/sphinx#11556). A fresh checkout (a CI
runner that restored the doctrees from its cache) dates every file at the
checkout, so every page is read again when a pull request changed a sentence.

With ``tfdocs_keep_source_times`` (``TFDOCS_KEEP_SOURCE_TIMES=1``; the docs
workflow sets it), every build records, as it finishes, the content hash and
modification time of each file in the source folder, and of each file outside
it that a page depends on (the helper modules autodoc documents), beside its
doctrees (:data:`TIMES_FILE`); the next build, before Sphinx compares times,
gives each file whose content is the same its recorded time back. A changed file keeps
its new time, and it and the pages that depend on it are read again. Dating
files by their last commit instead (``git-restore-mtime``, as
sphinx-notes/incrbuild does) can leave a changed page unread, when its commit
is older than the cached build; a hash cannot. Off by default: locally,
``touch`` is how one has a page read again, and this would undo it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from sphinx.application import Sphinx
    from sphinx.config import Config

__all__ = ["TIMES_FILE", "connect", "record", "restore"]

#: The record of the sources' hashes and times, in the doctree folder.
TIMES_FILE = "tfdocs-source-times.json"


def _files(srcdir: Path) -> Iterator[Path]:
    """Every file of the source folder, but in hidden folders and ``__pycache__``."""
    for folder, subfolders, names in os.walk(srcdir):
        subfolders[:] = sorted(
            name
            for name in subfolders
            if not name.startswith(".") and name != "__pycache__"
        )
        for name in sorted(names):
            yield Path(folder, name)


def _digest(path: Path) -> str:
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def record(
    srcdir: str | Path,
    doctreedir: str | Path,
    *,
    dependencies: Iterable[str | Path] = (),
) -> Path:
    """Write each source file's hash and time (ns) to ``doctreedir``; return the file.

    ``dependencies`` (relative to ``srcdir``, or absolute: as Sphinx records
    them) add the files outside ``srcdir`` that pages depend on, named by
    their path from ``srcdir``.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     src = Path(tmp, "docs"); src.mkdir()
    ...     _ = Path(src, "index.md").write_text("# Hi")
    ...     _ = Path(tmp, "module.py").write_text("x = 1")
    ...     path = record(src, Path(tmp, "doctrees"), dependencies=["../module.py"])
    ...     sorted(json.loads(path.read_text()))
    ['../module.py', 'index.md']
    """
    srcdir = Path(srcdir)
    files = {path.relative_to(srcdir).as_posix(): path for path in _files(srcdir)}
    for dependency in dependencies:
        path = Path(os.path.normpath(srcdir / dependency))
        if path.is_file():
            files.setdefault(Path(os.path.relpath(path, srcdir)).as_posix(), path)
    times = {
        name: [_digest(path), path.stat().st_mtime_ns] for name, path in files.items()
    }
    target = Path(doctreedir, TIMES_FILE)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(times, indent=0, sort_keys=True), encoding="utf-8")
    return target


def restore(srcdir: str | Path, doctreedir: str | Path) -> list[str]:
    """Give each recorded file whose content is the same its recorded time; return them.

    Files changed, added or gone since the record are left alone, as is
    everything when there is no usable record (a first build): the record only
    saves reading, it never decides what a page shows.
    """
    try:
        data = json.loads(Path(doctreedir, TIMES_FILE).read_text(encoding="utf-8"))
        times = {str(name): (str(h), int(ns)) for name, (h, ns) in data.items()}
    # Missing (OSError), not JSON (ValueError), not a mapping of [hash, ns].
    except (OSError, ValueError, TypeError, AttributeError):
        return []
    srcdir = Path(srcdir)
    restored = []
    for name, (digest, mtime_ns) in sorted(times.items()):
        path = Path(os.path.normpath(srcdir / name))
        if not path.is_file():  # gone since the record
            continue
        stat = path.stat()
        if stat.st_mtime_ns == mtime_ns or _digest(path) != digest:
            continue
        with contextlib.suppress(OSError):  # not ours to change: it is read again
            os.utime(path, ns=(stat.st_atime_ns, mtime_ns))
            restored.append(name)
    return restored


def _restore(app: Sphinx, config: Config) -> None:
    if config.tfdocs_keep_source_times:
        restore(app.srcdir, app.doctreedir)


def _record(app: Sphinx, exception: BaseException | None) -> None:
    if app.config.tfdocs_keep_source_times and Path(app.doctreedir).is_dir():
        dependencies = [
            dependency
            for names in app.env.dependencies.values()
            for dependency in names
        ]
        record(app.srcdir, app.doctreedir, dependencies=dependencies)


def connect(app: Sphinx) -> None:
    """Restore the times once the build holds its lock (``config-inited`` 2); record at the end."""
    app.connect("config-inited", _restore, priority=2)
    app.connect("build-finished", _record)
