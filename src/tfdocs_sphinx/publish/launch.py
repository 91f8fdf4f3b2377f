"""Download and launch buttons of the notebook pages.

myst-nb writes each page's notebook to ``<build>/jupyter_execute``; this part
writes it into the site as ``_sources/<page>.ipynb``, which the book theme's
download menu offers as ``.ipynb`` next to the page's source. On a cache hit
myst-nb 1.4 writes the notebook as read, without the cached outputs it shows on
the page, so the outputs are merged in again from jupyter-cache. When the
site knows its repository (``TFDOCS_REPO_URL=https://github.com/OWNER/REPO``),
every notebook page also gets an "Open in Colab" button that opens that executed
notebook from the branch the built site is published from
(``TFDOCS_PAGES_BRANCH``, ``gh-pages`` by default). Without a repository there is
no launch button at all. The variables set the ``tfdocs_repo_url`` and
``tfdocs_pages_branch`` settings.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import nbformat
from jupyter_cache import get_cache
from sphinx.util import logging

from tfdocs_sphinx.notebooks import (
    is_notebook_page,
    join_notebook_streams,
    mystnb_config,
)
from tfdocs_sphinx.publish.install import portable_notebook, unit_requirements

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

__all__ = ["colab_url", "executed_notebook_name"]

REPO_ENV_VAR = "TFDOCS_REPO_URL"
BRANCH_ENV_VAR = "TFDOCS_PAGES_BRANCH"
DEFAULT_BRANCH = "gh-pages"
COLAB = "https://colab.research.google.com/github"
logger = logging.getLogger(__name__)
_GITHUB_REPO = re.compile(r"https://github\.com/([\w.-]+)/([\w.-]+?)(?:\.git)?/?")


def colab_url(repo_url: str, *, branch: str, path: str) -> str:
    """Return the Colab URL that opens the notebook ``path`` of a GitHub branch.

    Parameters
    ----------
    repo_url
        The repository, as ``https://github.com/OWNER/REPO``.
    branch
        The branch that holds the notebook (the published site's branch).
    path
        The notebook's path inside that branch.

    Examples
    --------
    >>> colab_url(
    ...     "https://github.com/me/tfdocs", branch="gh-pages", path="_sources/a b.ipynb"
    ... )
    'https://colab.research.google.com/github/me/tfdocs/blob/gh-pages/_sources/a%20b.ipynb'
    """
    match = _GITHUB_REPO.fullmatch(repo_url)
    if match is None:
        msg = f"repo_url must look like https://github.com/OWNER/REPO, got {repo_url!r}"
        raise ValueError(msg)
    if not branch or branch != branch.strip() or " " in branch:
        msg = f"branch must be a branch name without spaces, got {branch!r}"
        raise ValueError(msg)
    if not path.endswith(".ipynb") or path.startswith("/"):
        msg = f"path must be a relative path to an .ipynb file, got {path!r}"
        raise ValueError(msg)
    owner, repo = match.groups()
    return f"{COLAB}/{owner}/{repo}/blob/{quote(branch)}/{quote(path)}"


def executed_notebook_name(pagename: str, *, source_suffix: str) -> str:
    """Return the name, under ``_sources/``, of a page's executed notebook.

    A page written as a notebook already has its source at ``<page>.ipynb``, so
    its executed copy gets another name.

    Examples
    --------
    >>> executed_notebook_name("keras/layers", source_suffix=".md")
    'keras/layers.ipynb'
    >>> executed_notebook_name("intro", source_suffix=".ipynb")
    'intro.executed.ipynb'
    """
    if source_suffix == ".ipynb":
        return f"{pagename}.executed.ipynb"
    return f"{pagename}.ipynb"


def _executed_notebook(app: Sphinx, path: Path, *, pagename: str) -> str:
    notebook = nbformat.read(path, as_version=4)
    config = mystnb_config(app.env)
    if config.execution_mode == "cache" and config.execution_cache_path:
        with contextlib.suppress(KeyError):  # KeyError: not executed, not cached
            cache = get_cache(config.execution_cache_path)
            _, notebook = cache.merge_match_into_notebook(notebook)
    # A page myst-nb executed itself (not cached) still has the chunks a kernel
    # sent its streams in; join them as the page shows them.
    join_notebook_streams(notebook)
    # A reader's Jupyter or Colab: the python3 kernel, and a first cell that
    # installs what the page imports where it is missing. Cells are numbered
    # (the reader gave them random ids), so every build writes the same bytes.
    code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    requirements = unit_requirements(app, code, where=pagename)
    if requirements is not None:
        portable_notebook(notebook, requirements)
    text: str = nbformat.writes(notebook)
    return text


def offer_executed_notebook(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: object,
) -> None:
    """Write the executed notebook into ``_sources/`` and list it for download."""
    if pagename not in app.env.all_docs or not is_notebook_page(app.env, pagename):
        return
    executed = Path(mystnb_config(app.env).output_folder, f"{pagename}.ipynb")
    if not executed.is_file():
        # myst-nb writes it when it reads the page: a build that reuses doctrees
        # without the folder beside them (a CI cache) would offer no notebook.
        logger.warning(
            "no executed notebook to offer for download (%s is missing): keep "
            "myst-nb's output folder with the doctrees, or rebuild with -E",
            executed,
            location=pagename,
            type="tfdocs",
            subtype="notebook",
        )
        return
    suffix = Path(app.env.doc2path(pagename)).suffix
    name = executed_notebook_name(pagename, source_suffix=suffix)
    target = Path(app.outdir) / "_sources" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        _executed_notebook(app, executed, pagename=pagename), encoding="utf-8"
    )
    context["ipynb_source"] = name  # the book theme's download menu lists it


def add_colab_button(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: object,
) -> None:
    """Add an "Open in Colab" button to a notebook page of a site with a repository."""
    repo_url = app.config.tfdocs_repo_url
    name = context.get("ipynb_source")
    if not repo_url or not name or "header_buttons" not in context:
        return
    url = colab_url(
        repo_url, branch=app.config.tfdocs_pages_branch, path=f"_sources/{name}"
    )
    context["header_buttons"].append(
        {
            "type": "group",
            "tooltip": "Launch interactive content",
            "icon": "fas fa-rocket",
            "label": "launch-buttons",
            "buttons": [
                {
                    "type": "link",
                    "text": "Colab",
                    "tooltip": "Open in Colab (the executed notebook)",
                    "icon": "_static/images/logo_colab.png",
                    "url": url,
                    "label": "colab-button",
                }
            ],
        }
    )


def check_repo_url(app: Sphinx, config: Config) -> None:
    """Fail early, with the variable's name, on a repository URL Colab can't open."""
    if config.tfdocs_repo_url:
        try:
            colab_url(
                config.tfdocs_repo_url,
                branch=config.tfdocs_pages_branch,
                path="x.ipynb",
            )
        except ValueError as error:
            msg = f"{REPO_ENV_VAR} / {BRANCH_ENV_VAR}: {error}"
            raise ValueError(msg) from None


def connect(app: Sphinx) -> None:
    """Register the page-context hooks.

    The book theme builds its header buttons at priority 501 on the same event:
    the notebook is named before, and the Colab group added just after it starts
    the list.
    """
    app.connect("config-inited", check_repo_url)
    app.connect("html-page-context", offer_executed_notebook, priority=500)
    app.connect("html-page-context", add_colab_button, priority=501)
