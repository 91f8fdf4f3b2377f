"""Re-execute pages and examples when what they run on changes, and only then.

jupyter-cache keys a page's outputs on its code cells and kernelspec, and
sphinx-gallery keys an example on the script's MD5. Neither notices a change to
the helper package the code calls, or a new TensorFlow, Keras or Python, so a
build would happily serve outputs made by code that no longer exists.

This extension computes a fingerprint of that environment (the source of
``tfdocs_helpers`` and the versions of Python and the libraries the outputs
depend on) and

* keeps myst-nb's cache in ``_build/.jupyter_cache/<fingerprint>``, so a new
  fingerprint starts from an empty cache (and a changed config value makes Sphinx
  read every page again);
* forgets sphinx-gallery's MD5 records when the fingerprint differs from the one
  the gallery was last built with, so every example runs again.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import sys
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: Distributions whose version changes what pages and examples output.
DISTRIBUTIONS = ("tensorflow", "keras", "numpy", "matplotlib", "scikit-learn")
HELPERS = "tfdocs_helpers"
MARKER = ".tfdocs-fingerprint"


def environment_fingerprint() -> str:
    """Hash the helper package's source and the versions outputs depend on."""
    digest = hashlib.sha256(sys.version.encode())
    for name in DISTRIBUTIONS:
        digest.update(f"{name}=={importlib.metadata.version(name)}\n".encode())
    spec = importlib.util.find_spec(HELPERS)  # locates, does not import
    if spec is None or not spec.submodule_search_locations:
        msg = f"cannot find the {HELPERS} package"
        raise RuntimeError(msg)
    package = Path(next(iter(spec.submodule_search_locations)))
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def partition_notebook_cache(app: Sphinx, config: Config) -> None:
    """Point myst-nb's cache at the folder of the current fingerprint."""
    fingerprint = environment_fingerprint()
    app.tfdocs_fingerprint = fingerprint  # type: ignore[attr-defined]
    cache = Path(app.outdir).parent / ".jupyter_cache" / fingerprint
    config.nb_execution_cache_path = str(cache)


def invalidate_stale_gallery(app: Sphinx) -> None:
    """Drop the gallery's MD5 records if they were made under another fingerprint."""
    fingerprint = app.tfdocs_fingerprint  # type: ignore[attr-defined]
    for folder in gallery_folders(app):
        if _read(folder / MARKER) == fingerprint:
            continue
        stale = sorted(folder.rglob("*.md5"))
        for record in stale:
            record.unlink()
        if stale:
            logger.info(
                "tfdocs: environment changed, re-running %d examples", len(stale)
            )


def record_gallery_fingerprint(app: Sphinx, exception: Exception | None) -> None:
    """Remember the fingerprint the gallery was just built with."""
    if exception is not None:
        return
    for folder in gallery_folders(app):
        (folder / MARKER).write_text(app.tfdocs_fingerprint, encoding="utf-8")  # type: ignore[attr-defined]


def gallery_folders(app: Sphinx) -> list[Path]:
    """The generated gallery folders that exist (sphinx-gallery's gallery_dirs)."""
    gallery_dirs = app.config.sphinx_gallery_conf.get("gallery_dirs", [])
    names = [gallery_dirs] if isinstance(gallery_dirs, str) else gallery_dirs
    return [Path(app.srcdir, name) for name in names if Path(app.srcdir, name).is_dir()]


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.is_file() else None


def setup(app: Sphinx) -> dict[str, Any]:
    """Connect before sphinx-gallery generates its pages (priority 500)."""
    app.connect("config-inited", partition_notebook_cache)
    app.connect("builder-inited", invalidate_stale_gallery, priority=400)
    app.connect("build-finished", record_gallery_fingerprint)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
