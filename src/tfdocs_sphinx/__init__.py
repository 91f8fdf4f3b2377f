"""The build machinery of the tfdocs site, as one Sphinx extension package.

``tfdocs_sphinx.publish`` holds what a reader of the built site gets beyond the
rendered pages: the wheels of the packages the pages import, served by the site
itself, and for every executed page and example the one command that installs
what its code imports.
"""

from __future__ import annotations

__all__: list[str] = []
