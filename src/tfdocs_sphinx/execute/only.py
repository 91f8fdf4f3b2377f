"""Execute only some pages and gallery scripts, for fast iteration on one.

``TFDOCS_ONLY=tensors nox -s docs`` (the ``tfdocs_only`` setting) executes the
pages and ``plot_*.py`` scripts whose path matches the regular expression
``tensors``; every other page is still read (so links and the table of contents
stay whole) but not executed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

__all__ = ["restrict_execution"]


def restrict_execution(app: Sphinx, config: Config) -> None:
    """Exclude from execution every page and example not matching ``tfdocs_only``.

    Runs after sphinx-gallery filled in its configuration (priority 10), and
    before myst-nb reads its own (at ``builder-inited``).
    """
    only = config.tfdocs_only
    if not only:
        return
    pattern = re.compile(only)
    srcdir = Path(app.srcdir)
    gallery = config.sphinx_gallery_conf
    folders = gallery.get("gallery_dirs", [])
    folders = {folders} if isinstance(folders, str) else set(folders)
    pages = sorted(
        p.relative_to(srcdir).as_posix()
        for suffix in ("*.md", "*.ipynb")
        for p in srcdir.rglob(suffix)
        if not folders & set(p.relative_to(srcdir).parts)
    )
    config.nb_execution_excludepatterns = [
        *config.nb_execution_excludepatterns,
        *(page for page in pages if not pattern.search(page)),
    ]
    gallery["filename_pattern"] = f"(?=.*{gallery['filename_pattern']})(?=.*{only})"


def connect(app: Sphinx) -> None:
    """Connect the filter to the configuration."""
    app.connect("config-inited", restrict_execution, priority=100)
