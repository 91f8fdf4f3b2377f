"""The versions the site documents: a banner on every page and a version switcher.

Every output of the site was made with one TensorFlow and one Keras, named in
``tfdocs_documents`` (conf.py reads them from the installed distributions). This
extension says so on every page, in pydata-sphinx-theme's announcement banner,
and writes ``_static/switcher.json`` in the theme's version-switcher layout
(a list of ``name``, ``version``, ``url`` and ``preferred``) with this edition
as its one, preferred entry. When the site documents the next release, the
edition built from it adds its entry (``tfdocs_other_editions``) and the
switcher in the sidebar lists both. The file is written by the build, from
``html_baseurl``, so the theme's network check of it is switched off. The
sidebar shows it with ``tfdocs-version-switcher.html``, the theme's component
made accessible.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

__all__ = ["banner_html", "edition", "short_version", "switcher_entries"]

SWITCHER_JSON = "_static/switcher.json"
#: Put ``tfdocs-version-switcher.html`` in ``html_sidebars`` to show the switcher.
TEMPLATES = Path(__file__).parent / "templates"


def short_version(version: str) -> str:
    """Return the ``major.minor`` of a version string.

    Examples
    --------
    >>> short_version("2.21.0"), short_version("3.15.1"), short_version("3")
    ('2.21', '3.15', '3')
    """
    return ".".join(version.split(".")[:2])


def edition(documents: dict[str, str]) -> tuple[str, str]:
    """Return the switcher's (version, name) of the edition documenting ``documents``.

    The version is the first library's ``major.minor``, the name lists them all.

    Examples
    --------
    >>> edition({"TensorFlow": "2.21.0", "Keras": "3.15.1"})
    ('2.21', 'TensorFlow 2.21 · Keras 3.15')
    """
    names = " · ".join(f"{lib} {short_version(v)}" for lib, v in documents.items())
    return short_version(next(iter(documents.values()))), names


def banner_html(documents: dict[str, str]) -> str:
    """Return the banner's HTML, naming each library at its ``major.minor``.

    (Each page's own banner gives the exact versions its outputs were made with.)

    Examples
    --------
    >>> banner_html({"TensorFlow": "2.21.0", "Keras": "3.15.1"})
    'This site documents <strong>TensorFlow 2.21</strong> and <strong>Keras 3.15</strong>.'
    """
    short = [
        f"<strong>{html.escape(lib)} {short_version(v)}</strong>"
        for lib, v in documents.items()
    ]
    return f"This site documents {_and(short)}."


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def switcher_entries(
    documents: dict[str, str], base_url: str, others: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Return the switcher JSON's entries: this edition (preferred), then ``others``.

    Examples
    --------
    >>> switcher_entries({"TensorFlow": "2.21.0"}, "https://x.org/tfdocs/", [])
    [{'name': 'TensorFlow 2.21', 'version': '2.21', 'url': 'https://x.org/tfdocs/', 'preferred': True}]
    """
    version, name = edition(documents)
    this = {"name": name, "version": version, "url": base_url, "preferred": True}
    return [this, *(o for o in others if o.get("version") != version)]


def configure_theme(app: Sphinx, config: Config) -> None:
    """Put the banner and the switcher into the theme's options."""
    documents = config.tfdocs_documents
    if not documents:
        return
    options = config.html_theme_options
    options.setdefault("announcement", banner_html(documents))
    options.setdefault(
        "switcher",
        {"json_url": SWITCHER_JSON, "version_match": edition(documents)[0]},
    )
    options["check_switcher"] = False  # the build writes the file itself
    # tfdocs-version-switcher.html: the theme's switcher, accessible (see there).
    config.templates_path = [str(TEMPLATES), *config.templates_path]


def write_switcher(app: Sphinx, exception: Exception | None) -> None:
    """Write ``_static/switcher.json`` into the built site."""
    if exception is not None or app.builder.format != "html":
        return
    documents = app.config.tfdocs_documents
    if not documents:
        return
    entries = switcher_entries(
        documents, app.config.html_baseurl, app.config.tfdocs_other_editions
    )
    path = Path(app.outdir, SWITCHER_JSON)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(entries, indent=2) + "\n", encoding="utf-8")


def connect(app: Sphinx) -> None:
    """Fill the theme's options; write the switcher JSON."""
    app.connect("config-inited", configure_theme)
    app.connect("build-finished", write_switcher)
