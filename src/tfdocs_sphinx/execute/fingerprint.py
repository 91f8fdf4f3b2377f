"""Re-execute pages and examples when what they run on changes, and only then.

jupyter-cache keys a page's outputs on its code cells and kernel name, and
sphinx-gallery keys an example on the script's MD5. Neither notices a change to
the helper package the code calls, a new TensorFlow, Keras or Python, another
value of ``TF_ENABLE_ONEDNN_OPTS`` (which changes float results) or a changed
kernelspec, so a build would happily serve outputs made under other conditions.

This part computes a fingerprint of everything outside a page that changes its
outputs:

* the Python version and the versions of the distributions named in
  ``tfdocs_fingerprint_versions``;
* the source of the packages named in ``tfdocs_fingerprint_sources`` (the
  site's helpers);
* the build environment (:data:`.locations.BUILD_ENVIRONMENT`, with the values
  in force: a variable set before the build wins);
* the build's kernelspecs (their ``argv`` and ``env``) and the modules the
  zygote preloads into every kernel (``tfdocs_preload``);

and

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
import json
import os
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.util import logging

from tfdocs_sphinx.locations import BUILD_ENVIRONMENT, KERNELS, gallery_folders

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

__all__ = ["MARKER", "environment_fingerprint"]

logger = logging.getLogger(__name__)

#: The file, in each gallery folder, naming the fingerprint it was built with.
MARKER = ".tfdocs-fingerprint"


def environment_fingerprint(
    *,
    versions: Iterable[str] = (),
    sources: Iterable[str] = (),
    environment: Mapping[str, str] | None = None,
    kernels: Path = KERNELS / "kernels",
    preload: Iterable[str] = (),
) -> str:
    """Hash what, outside a page, changes its outputs; 16 hex digits.

    ``environment`` defaults to the values of :data:`.BUILD_ENVIRONMENT`'s
    variables in ``os.environ``.
    """
    if environment is None:
        environment = {name: os.environ.get(name, "") for name in BUILD_ENVIRONMENT}
    parts = {
        "python": sys.version,
        "versions": {name: importlib.metadata.version(name) for name in versions},
        "environment": dict(sorted(environment.items())),
        "kernels": _kernelspecs(kernels),
        "preload": list(preload),
    }
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True).encode())
    for package in sources:
        folder = _package_folder(package)
        for path in sorted(folder.rglob("*.py")):
            digest.update(f"{package}/{path.relative_to(folder).as_posix()}".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _kernelspecs(folder: Path) -> dict[str, object]:
    """Return the ``argv`` and ``env`` of every kernelspec in ``folder``, by name."""
    specs: dict[str, object] = {}
    for path in sorted(folder.glob("*/kernel.json")):
        spec = json.loads(path.read_text(encoding="utf-8"))
        specs[path.parent.name] = {"argv": spec["argv"], "env": spec.get("env", {})}
    return specs


def _package_folder(package: str) -> Path:
    spec = importlib.util.find_spec(package)  # locates, does not import
    if spec is None or not spec.submodule_search_locations:
        msg = f"tfdocs_fingerprint_sources: cannot find the package {package!r}"
        raise RuntimeError(msg)
    return Path(next(iter(spec.submodule_search_locations)))


def site_fingerprint(config: Config) -> str:
    """Return the fingerprint of the site's settings and the environment in force."""
    return environment_fingerprint(
        versions=config.tfdocs_fingerprint_versions,
        sources=config.tfdocs_fingerprint_sources,
        preload=config.tfdocs_preload,
    )


class Fingerprint:
    """The fingerprint of a build, and the handlers that act on it."""

    def __init__(self) -> None:
        self.value = ""

    def partition_notebook_cache(self, app: Sphinx, config: Config) -> None:
        """Point myst-nb's cache at the folder of the current fingerprint."""
        self.value = site_fingerprint(config)
        cache = Path(app.outdir).parent / ".jupyter_cache" / self.value
        config.nb_execution_cache_path = str(cache)

    def invalidate_stale_gallery(self, app: Sphinx) -> None:
        """Drop the gallery's MD5 records if they were made under another fingerprint."""
        for folder in gallery_folders(app):
            if not folder.is_dir() or _read(folder / MARKER) == self.value:
                continue
            stale = sorted(folder.rglob("*.md5"))
            for record in stale:
                record.unlink()
            if stale:
                logger.info(
                    "tfdocs: environment changed, re-running %d examples", len(stale)
                )

    def record_gallery_fingerprint(
        self, app: Sphinx, exception: BaseException | None
    ) -> None:
        """Remember the fingerprint the gallery was just built with."""
        if exception is not None:
            return
        for folder in gallery_folders(app):
            if folder.is_dir():
                partial = folder / f"{MARKER}.partial"  # replaced whole, never cut
                partial.write_text(self.value, encoding="utf-8")
                partial.replace(folder / MARKER)


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.is_file() else None


def connect(app: Sphinx) -> None:
    """Connect before sphinx-gallery generates its pages (priority 500).

    The build environment must be in force (:mod:`.environment`) first.
    """
    fingerprint = Fingerprint()
    app.connect("config-inited", fingerprint.partition_notebook_cache, priority=300)
    app.connect("builder-inited", fingerprint.invalidate_stale_gallery, priority=400)
    app.connect("build-finished", fingerprint.record_gallery_fingerprint)
