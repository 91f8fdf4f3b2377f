"""The build machinery of the tfdocs site, as one Sphinx extension.

``extensions = ["tfdocs_sphinx"]`` in ``conf.py`` loads myst-nb and
sphinx-gallery and then the machinery's parts, in the order they need, and
declares every ``tfdocs_*`` setting:

``execute``
    The build environment, the cache fingerprint, ``TFDOCS_ONLY``, the pool of
    zygote-forked kernels and processes that runs the pages and the gallery's
    examples, and the measurement of the examples.
``checks``
    Failing cells reported by file and line, terminal replay and leaked log
    lines, pages that ran too fast or showed nothing, figures whose text is cut
    off, banners and the report.
``publish``
    Accessibility fixes, the 404 page's search, links to the API reference,
    executed notebooks and Colab, the served wheel and install commands, the
    helpers' API reference (autodoc without TensorFlow), the versions banner and
    switcher, descriptions, dates and ``robots.txt``, gallery source links, a
    sitemap of every page, and the HTML written on every core.

Below them, shared by all: :mod:`.runs` (the run record of every page and
example), :mod:`.notebooks` (pages as myst-nb reads them) and :mod:`.locations`
(facts the nox file, tools/ and tests share). Importing the package imports
nothing else: kernels and the nox file import its modules too.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: When a changed setting makes Sphinx read (``env``) or write (``html``) again.
Rebuild = Literal["", "env", "html"]

__all__ = ["SETTINGS", "setup"]

__version__ = "0.1.0"

#: Every setting the machinery reads: name -> (default, rebuild, types, what).
#: Settings whose default comes from a ``TFDOCS_*`` variable name it.
SETTINGS: dict[str, tuple[Any, Rebuild, tuple[type, ...], str]] = {
    "tfdocs_execution_workers": (
        0, "", (int,), "pages and examples executed at once; 0: as many as the cores"),
    "tfdocs_write_processes": (
        0, "", (int,), "processes that write the HTML; 0: one more than the cores"),
    "tfdocs_lock_wait": (
        600, "", (int, float),
        "seconds a build waits for another build of the same clone to finish"),
    "tfdocs_preload": (
        [], "env", (list, tuple), "modules the zygote imports once for every kernel"),
    "tfdocs_fingerprint_versions": (
        [], "env", (list, tuple), "distributions whose version keys the caches"),
    "tfdocs_fingerprint_sources": (
        [], "env", (list, tuple), "packages whose source keys the caches"),
    "tfdocs_only": (
        os.environ.get("TFDOCS_ONLY", ""), "", (str,),
        "regex: execute only the matching pages and examples (TFDOCS_ONLY)"),
    "tfdocs_shard": (
        os.environ.get("TFDOCS_SHARD", ""), "", (str,),
        "'i/N': execute only shard i of N of the pages and examples (TFDOCS_SHARD)"),
    "tfdocs_keep_source_times": (
        os.environ.get("TFDOCS_KEEP_SOURCE_TIMES", "") not in {"", "0"}, "", (bool,),
        "sources unchanged get their recorded times back (TFDOCS_KEEP_SOURCE_TIMES)"),
    "tfdocs_renderers": (
        [], "env", (list, tuple, set, frozenset),
        "functions whose call, ending a cell, must show a rendered view"),
    "tfdocs_min_run_ms": (
        100, "env", (int,), "a page or example that ran faster fails the build"),
    "tfdocs_repo_url": (
        os.environ.get("TFDOCS_REPO_URL", ""), "html", (str,),
        "https://github.com/OWNER/REPO: adds Open in Colab (TFDOCS_REPO_URL)"),
    "tfdocs_pages_branch": (
        os.environ.get("TFDOCS_PAGES_BRANCH") or "gh-pages", "html", (str,),
        "the branch that holds the built site (TFDOCS_PAGES_BRANCH)"),
    "tfdocs_serve_wheels": (
        {}, "html", (dict,), "distribution -> project folder: wheels the site serves"),
    "tfdocs_pinned": (
        ["tensorflow", "keras"], "html", (list, tuple),
        "distributions install commands pin to the build's versions"),
    "tfdocs_lazy_imports": (
        {}, "html", (dict,),
        "module -> patterns of code that import it only when run (install commands)"),
    "tfdocs_autodoc_stubs": (
        {}, "env", (dict,),
        "package -> modules autodoc replaces by stand-ins while importing it"),
    "tfdocs_documents": (
        {}, "html", (dict,), "library -> version the site documents (banner, switcher)"),
    "tfdocs_other_editions": (
        [], "html", (list,), "other editions of the site in the version switcher"),
    "tfdocs_require_description": (
        False, "env", (bool,), "a page without `description:` fails the build"),
    "tfdocs_description_exempt": (
        ["auto_examples/**"], "env", (list,), "pages that need no description"),
    "tfdocs_last_updated_fmt": (
        "%d %B %Y", "html", (str,), "the date format of 'Last updated'"),
}  # fmt: skip


def setup(app: Sphinx) -> dict[str, Any]:
    """Load myst-nb, sphinx-gallery and every part, in order; declare the settings.

    The order matters where parts handle the same event at the same priority:

    * the run record's collector (:mod:`.runs`) stores a document's run before
      any part reads it at ``doctree-read``, where the failure reporter, the
      terminal replay, the banner and the output checks follow in that order,
      and the install box (priority 600) comes last;
    * :mod:`.publish.a11y` overrides a node of myst-nb and restyles
      sphinx-gallery, so both are loaded first.

    Other orderings are priorities, stated where they are connected:
    ``config-inited`` 1 (the build lock), 2 (unchanged sources' times), 5 (the gallery hook and scraper, before sphinx-gallery
    fills its configuration at 10), 100 (``TFDOCS_ONLY``), 110 (``TFDOCS_SHARD``),
    300 (the fingerprint);
    ``builder-inited`` 1 (a new run record), 400 (stale examples forgotten), 450
    (the pool starts, pages and examples, before sphinx-gallery generates the
    gallery at 500), 540 (sphinx-gallery runs any later example itself), 545
    (progress bars replayed in the gallery's pages), 550 (the examples' runs
    handed over);
    ``env-updated`` 900 (the HTML written on every core, once the pool has
    stopped at 500); ``build-finished`` 450 (every page in the sitemap, before
    sphinx-sitemap writes it at 500).
    """
    from tfdocs_sphinx import runs
    from tfdocs_sphinx.checks import cell_errors, figures, outputs, report, terminal
    from tfdocs_sphinx.execute import (
        environment,
        fingerprint,
        gallery,
        only,
        pool,
        shards,
        sourcetimes,
    )
    from tfdocs_sphinx.publish import (
        a11y,
        apilinks,
        apiref,
        discovery,
        install,
        launch,
        notfound,
        parallel,
        sitemap,
        sourcelinks,
        versions,
    )
    from tfdocs_sphinx.supported import check_versions

    check_versions()
    environment.apply()
    app.setup_extension("myst_nb")
    app.setup_extension("sphinx_gallery.gen_gallery")
    for name, (default, rebuild, types, _) in SETTINGS.items():
        app.add_config_value(name, default, rebuild, types=types)

    runs.connect(app)
    for part in (sourcetimes, gallery, only, shards, fingerprint, pool):
        part.connect(app)
    for part in (cell_errors, terminal, report, outputs, figures):
        part.connect(app)
    for part in (apilinks, notfound, a11y, launch, install):
        part.connect(app)
    for part in (apiref, versions, discovery, sourcelinks, sitemap, parallel):
        part.connect(app)
    return {
        "version": __version__,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
