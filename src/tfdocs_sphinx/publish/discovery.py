"""What search engines and link previews read: descriptions, dates, robots.txt.

* **One description per page.** A page gives its one-sentence summary as
  ``description:`` in its front matter (``:description:`` as the first field
  of a reST page). It becomes the page's ``og:description`` and its
  ``<meta name="description">``; without it, sphinxext-opengraph takes the
  page's first paragraph. Two pages with the same description are reported;
  with ``tfdocs_require_description`` so is a page without one (except the
  pages matching ``tfdocs_description_exempt``).
* **Last updated.** Inside a git work tree with its full history, each page
  shows the date of the last commit that changed it (sphinx-last-updated-by-git,
  in UTC), and ``sitemap.xml`` gives it as ``<lastmod>``. Dates come from
  commits, not from file times or the clock, so two builds of one commit are
  identical (``nox -s repro``). Outside git, or in a shallow clone (whose
  oldest commit would date every older file), no dates are shown at all: the
  build never falls back to today's date.
* **robots.txt** at the root of the built site, pointing at the sitemap.
"""

from __future__ import annotations

import html
from collections import defaultdict
from datetime import UTC
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.matching import Matcher

__all__ = ["description_of", "git_history_of", "robots_txt"]

logger = logging.getLogger(__name__)


def description_of(metadata: dict[str, Any]) -> str | None:
    r"""Return a page's description from its metadata, on one line (or None).

    Examples
    --------
    >>> description_of({"description": "  Tensors:\n  what they are.  "})
    'Tensors: what they are.'
    >>> description_of({"kernelspec": {}}) is None
    True
    """
    text = metadata.get("description")
    if not isinstance(text, str) or not text.strip():
        return None
    return " ".join(text.split())


def git_history_of(path: Path) -> Path | None:
    """Return the git directory holding the history of ``path``, if complete.

    None outside a git work tree, and for a shallow clone. Reads the files
    under ``.git`` (a worktree's ``.git`` file included); runs no git.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     print(git_history_of(Path(tmp)))
    None
    """
    for folder in (path.resolve(), *path.resolve().parents):
        dotgit = folder / ".git"
        if dotgit.is_dir():
            common = dotgit
        elif dotgit.is_file():  # a worktree: "gitdir: <dir>", whose commondir is shared
            gitdir = Path(dotgit.read_text(encoding="utf-8").split(":", 1)[1].strip())
            gitdir = gitdir if gitdir.is_absolute() else folder / gitdir
            commondir = gitdir / "commondir"
            common = (
                gitdir / commondir.read_text(encoding="utf-8").strip()
                if commondir.is_file()
                else gitdir
            )
        else:
            continue
        return None if (common / "shallow").exists() else common.resolve()
    return None


def robots_txt(base_url: str, sitemap: str = "sitemap.xml") -> str:
    """Return a robots.txt that allows everything and names the sitemap.

    Examples
    --------
    >>> print(robots_txt("https://example.org/tfdocs/"), end="")
    User-agent: *
    Allow: /
    Sitemap: https://example.org/tfdocs/sitemap.xml
    """
    return f"User-agent: *\nAllow: /\nSitemap: {base_url}{sitemap}\n"


# -- Descriptions -----------------------------------------------------------------


def describe_page(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: object,
) -> None:
    """Give the page's description to sphinxext-opengraph and to the meta tags."""
    description = description_of(context.get("meta") or {})
    if description is None:
        return
    # og:* fields of the page's metadata override what opengraph would take
    # from the text; a description meta tag already there is kept as is.
    context["meta"] = {**(context.get("meta") or {}), "og:description": description}
    escaped = html.escape(description, quote=True)
    context["metatags"] = (
        context.get("metatags", "")
        + f'\n    <meta name="description" content="{escaped}" />'
    )


def check_descriptions(app: Sphinx, env: BuildEnvironment) -> None:
    """Report pages that share a description, or that lack one when required."""
    exempt = Matcher(app.config.tfdocs_description_exempt)
    pages: dict[str, list[str]] = defaultdict(list)
    for docname in sorted(env.found_docs):
        description = description_of(env.metadata.get(docname, {}))
        if description is not None:
            pages[description].append(docname)
        elif app.config.tfdocs_require_description and not exempt(docname):
            logger.warning(
                "the page has no description: give it one sentence as "
                "`description:` in its front matter",
                location=docname,
                type="tfdocs",
                subtype="description",
            )
    for description, docnames in pages.items():
        if len(docnames) > 1:
            logger.warning(
                "the same description as %s: %r",
                ", ".join(docnames[1:]),
                description,
                location=docnames[0],
                type="tfdocs",
                subtype="description",
            )


# -- Dates and robots.txt ---------------------------------------------------------


def date_pages(app: Sphinx, config: Config) -> None:
    """Show git dates on the pages and in the sitemap (set up in ``setup``)."""
    config.html_last_updated_fmt = config.tfdocs_last_updated_fmt
    config.git_last_updated_timezone = UTC  # the same date wherever it is built
    # Generated pages (the gallery's) have no history; keep their source download.
    config.git_untracked_show_sourcelink = True
    config.sitemap_show_lastmod = True


def write_robots_txt(app: Sphinx, exception: Exception | None) -> None:
    """Write robots.txt at the root of the built site."""
    if exception is not None or app.builder.format != "html":
        return
    base = app.config.html_baseurl
    if base:
        sitemap = getattr(app.config, "sitemap_filename", "sitemap.xml")
        Path(app.outdir, "robots.txt").write_text(
            robots_txt(base, sitemap), encoding="utf-8"
        )


def connect(app: Sphinx) -> None:
    """Connect descriptions, dates and robots.txt."""
    # Before sphinxext-opengraph (priority 500), which reads the page's fields.
    app.connect("html-page-context", describe_page, priority=400)
    app.connect("env-updated", check_descriptions)
    app.connect("build-finished", write_robots_txt)
    if git_history_of(Path(app.srcdir)) is not None:
        app.setup_extension("sphinx_last_updated_by_git")
        app.connect("config-inited", date_pages)
    else:
        logger.info("tfdocs: no complete git history: no 'Last updated' dates")
