"""Accessibility fixes for what the stock theme, myst-nb and sphinx-gallery emit.

Each fix answers a serious axe-core finding or an image without a useful text
alternative on the built site (``nox -s browser`` checks every page):

- every image gets alt text: a gallery thumbnail the example's title, a plot in a
  cell's output or a gallery figure without titles the section it illustrates
  (instead of its file path or file name), unless its author gave one;
- the sidebar's expand/collapse ``<summary>`` elements get a name (axe
  ``summary-name``), and myst-nb's "Show code cell source" toggle keeps its
  visible text as its name (``label-content-name-mismatch``);
- the search button's name includes its visible text (a template override);
- gallery thumbnail links keep their title for screen readers (``link-name``),
  rich's console colours in outputs reach a 4.5:1 contrast in light and dark
  mode (``color-contrast``), and outputs that scroll sideways can be scrolled
  with the keyboard (``scrollable-region-focusable``): static/tfdocs_a11y.css
  and .js.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup
from docutils import nodes
from myst_nb.sphinx_ import HideCodeCellNode
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxTranslator
from sphinx_gallery.directives import imgsgnode

__all__ = ["figure_alt", "name_toctree_summaries"]

HERE = Path(__file__).parent  # its static/ and templates/ folders
_THUMBNAIL = re.compile(r"/thumb/sphx_glr_.*_thumb\.\w+$")


def figure_alt(*, page: str, section: str, number: int = 0, count: int = 1) -> str:
    """Return alt text for a figure its author did not describe.

    Parameters
    ----------
    page
        The title of the page.
    section
        The title of the section that holds the figure.
    number, count
        The figure's 1-based number among the ``count`` undescribed figures of
        that section; ``number`` is ignored when ``count`` is 1.

    Examples
    --------
    >>> figure_alt(page="Callbacks", section="Early stopping")
    'Figure in “Early stopping” (Callbacks)'
    >>> figure_alt(page="Callbacks", section="Callbacks", number=2, count=3)
    'Figure 2 of 3 in “Callbacks”'
    """
    if count < 1 or (count > 1 and not 1 <= number <= count):
        msg = f"number must be in 1..count and count >= 1, got {number=} {count=}"
        raise ValueError(msg)
    which = f"Figure {number} of {count}" if count > 1 else "Figure"
    where = f"“{section}”" if section == page else f"“{section}” ({page})"
    return f"{which} in {where}"


def _section_title(node: nodes.Node) -> str:
    parent = node.parent
    while parent is not None and not isinstance(parent, nodes.section):
        parent = parent.parent
    if parent is None or not isinstance(parent[0], nodes.title):
        return ""
    return str(parent[0].astext())


def _in_cell_output(node: nodes.Node) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, nodes.container) and (
            parent.get("nb_element") == "cell_code_output"
        ):
            return True
        parent = parent.parent
    return False


def _default_gallery_alt(docname: str) -> str:
    # sphinx-gallery's alt for a figure without titles: the file name in words.
    return docname.rsplit("/", 1)[-1].replace("_", " ")


class ImageAltText(SphinxPostTransform):
    """Give alt text to thumbnails, output plots and untitled gallery figures."""

    default_priority = 100  # after the references are resolved and `only` is applied
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        """Fill in every missing or file-name alt text of the document."""
        docname = self.env.docname
        page = self.env.titles[docname].astext() if docname in self.env.titles else ""
        figures: list[nodes.Element] = []
        for node in self.document.findall(nodes.image):
            uri = node.get("uri", "")
            if _THUMBNAIL.search(uri) and not node.get("alt"):
                node["alt"] = self._thumbnail_title(node) or page
            elif "alt" not in node and _in_cell_output(node):
                figures.append(node)
        default = _default_gallery_alt(docname)
        figures += [
            node
            for node in self.document.findall(imgsgnode)
            if node.get("alt", "") in ("", default)
        ]
        by_section: dict[str, list[nodes.Element]] = {}
        for node in figures:
            by_section.setdefault(_section_title(node) or page, []).append(node)
        for section, members in by_section.items():
            for number, node in enumerate(members, start=1):
                alt = figure_alt(
                    page=page, section=section, number=number, count=len(members)
                )
                # sphinx-gallery writes its alt into the HTML unescaped.
                node["alt"] = html.escape(alt) if isinstance(node, imgsgnode) else alt

    @staticmethod
    def _thumbnail_title(image: nodes.image) -> str:
        # sphinx-gallery puts a :doc: link to the example right after its thumbnail.
        siblings = image.parent.children if image.parent is not None else []
        for sibling in siblings[siblings.index(image) + 1 :]:
            reference = next(iter(sibling.findall(nodes.reference)), None)
            if reference is not None:
                return str(reference.astext())
        return ""


def visit_hide_cell(self: SphinxTranslator, node: HideCodeCellNode) -> None:
    """Open myst-nb's hidden-input toggle, named by its visible prompt."""
    classes = " ".join(node["classes"])
    self.body.append(f'<details class="admonition hide {html.escape(classes)}">\n')
    self.body.append("<summary>\n")  # no aria-label: the visible text names it
    self.body.append(
        f'<p class="collapsed admonition-title">{html.escape(node["prompt_show"])}</p>\n'
    )
    self.body.append(
        f'<p class="expanded admonition-title">{html.escape(node["prompt_hide"])}</p>\n'
    )
    self.body.append("</summary>\n")


def depart_hide_cell(self: SphinxTranslator, node: HideCodeCellNode) -> None:
    """Close myst-nb's hidden-input toggle."""
    self.body.append("</details>\n")


def name_toctree_summaries(toctree_html: str) -> str:
    """Name the empty expand/collapse ``<summary>`` elements of a navigation tree.

    Examples
    --------
    >>> nav = '<a href="k.html">Keras</a><details><summary><i></i></summary></details>'
    >>> name_toctree_summaries(nav)
    '<a href="k.html">Keras</a><details><summary aria-label="Pages under Keras"><i></i></summary></details>'
    """
    if "<summary" not in toctree_html:
        return toctree_html
    soup = BeautifulSoup(toctree_html, "html.parser")
    _name_summaries(soup)
    return str(soup)


def _name_summaries(soup: BeautifulSoup) -> None:
    for summary in soup.select("details > summary"):
        if summary.get_text(strip=True) or summary.get("aria-label"):
            continue
        details = summary.parent
        link = details.find_previous_sibling("a") if details is not None else None
        title = link.get_text(" ", strip=True) if link is not None else ""
        summary["aria-label"] = f"Pages under {title}" if title else "Pages below"


def _named_summaries(generate: Callable[..., Any]) -> Callable[..., Any]:
    def generate_toctree_html(*args: Any, **kwargs: Any) -> Any:
        out = generate(*args, **kwargs)
        if isinstance(out, BeautifulSoup):
            _name_summaries(out)  # in place: idempotent, and the theme caches it
            return out
        return name_toctree_summaries(out) if isinstance(out, str) else out

    return generate_toctree_html


def wrap_toctree(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: object,
) -> None:
    """Post-process the theme's sidebar navigation of every page."""
    if "generate_toctree_html" in context:
        context["generate_toctree_html"] = _named_summaries(
            context["generate_toctree_html"]
        )


def add_assets(app: Sphinx, config: Config) -> None:
    """Serve the extension's CSS/JS and prefer its templates over the theme's."""
    config.html_static_path = [*config.html_static_path, str(HERE / "static")]
    config.templates_path = [str(HERE / "templates"), *config.templates_path]


def connect(app: Sphinx) -> None:
    """Register the fixes; they need myst_nb and sphinx_gallery loaded first."""
    app.connect("config-inited", add_assets)
    app.add_post_transform(ImageAltText)
    app.add_node(
        HideCodeCellNode, override=True, html=(visit_hide_cell, depart_hide_cell)
    )
    app.connect("html-page-context", wrap_toctree, priority=900)  # after the theme's
    app.add_css_file("tfdocs_a11y.css", priority=900)  # after sphinx-gallery's
    app.add_js_file("tfdocs_a11y.js", loading_method="defer")
