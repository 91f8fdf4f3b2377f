"""The sitemap lists every page, whichever process wrote it and whichever build.

sphinx-sitemap collects a page as it is written (``html-page-context``): a page
a forked writer wrote (:mod:`.parallel`) never reaches the Sphinx process's
queue (:func:`..execute.lifetime.no_sitemap_manager` replaced sphinx-sitemap's
manager, which a fork of the Sphinx process would serve), and a build that
writes one changed page writes a sitemap of that page alone
(jdillard/sphinx-sitemap#13, open). Just before sphinx-sitemap writes the file
(``build-finished``, priority 500), every document of the site is added in
the Sphinx process, through sphinx-sitemap's own handler (its exclusions, URL
scheme and ``lastmod``), and the links are deduplicated and sorted: the same
site gives the same file however it was written.
"""

from __future__ import annotations

import queue
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx

__all__ = ["connect", "list_every_page"]


def list_every_page(app: Sphinx, exception: BaseException | None) -> None:
    """Put every document in sphinx-sitemap's queue, once each, sorted."""
    links: queue.Queue[tuple[str, str | None]] | None = getattr(
        app, "sitemap_links", None
    )
    if exception is not None or links is None or app.builder.format != "html":
        return
    from sphinx_sitemap import add_html_link

    for docname in sorted(app.env.all_docs):
        add_html_link(app, docname, "page.html", {}, None)
    found: dict[str, Any] = {}
    while True:
        try:
            link, last_updated = links.get_nowait()
        except queue.Empty:
            break
        found[link] = last_updated
    for link in sorted(found):
        links.put((link, found[link]))


def connect(app: Sphinx) -> None:
    """Before sphinx-sitemap writes the sitemap (``build-finished``, priority 500)."""
    app.connect("build-finished", list_every_page, priority=450)
