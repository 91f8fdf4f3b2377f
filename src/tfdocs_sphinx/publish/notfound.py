"""Make the 404 page's search work at any depth, as its links already do.

sphinx-notfound-page writes every link and asset of ``404.html`` as an absolute
path under ``notfound_urls_prefix``, because the server answers a missing
``/some/deep/page`` with that file. It leaves ``content_root``, which the
theme's search dialog and Sphinx's searchtools.js prefix to result links, at
``./``: this part sets it to the same prefix on that one page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def absolute_content_root(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: object,
) -> None:
    """Set ``content_root`` of the 404 page to ``notfound_urls_prefix``."""
    if pagename == app.config.notfound_pagename:
        context["content_root"] = app.config.notfound_urls_prefix or "/"


def connect(app: Sphinx) -> None:
    """Connect after sphinx-notfound-page, which must be loaded first."""
    app.setup_extension("notfound.extension")
    app.connect("html-page-context", absolute_content_root)
