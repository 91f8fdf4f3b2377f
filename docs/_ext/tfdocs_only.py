"""Execute only some pages and gallery scripts, for fast iteration on one.

``TFDOCS_ONLY=tensors nox -s docs`` executes the pages and ``plot_*.py``
scripts whose path matches the regular expression ``tensors``; every other page
is still read (so links and the table of contents stay whole) but not executed.
The variable is read here rather than in conf.py, which stays free of logic.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

ENV_VAR = "TFDOCS_ONLY"


def restrict_execution(app: Sphinx, config: Config) -> None:
    """Exclude from execution every page and example not matching TFDOCS_ONLY."""
    only = os.environ.get(ENV_VAR)
    if not only:
        return
    pattern = re.compile(only)
    srcdir = Path(app.srcdir)
    pages = sorted(
        p.relative_to(srcdir).as_posix()
        for suffix in ("*.md", "*.ipynb")
        for p in srcdir.rglob(suffix)
        if "auto_examples" not in p.parts
    )
    config.nb_execution_excludepatterns = [
        *config.nb_execution_excludepatterns,
        *(page for page in pages if not pattern.search(page)),
    ]
    gallery = config.sphinx_gallery_conf
    gallery["filename_pattern"] = f"(?=.*{gallery['filename_pattern']})(?=.*{only})"


def setup(app: Sphinx) -> dict[str, Any]:
    """Connect the filter before myst-nb and sphinx-gallery read the config."""
    app.connect("config-inited", restrict_execution, priority=100)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
