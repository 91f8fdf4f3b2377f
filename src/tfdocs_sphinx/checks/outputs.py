"""Report pages and examples that ran suspiciously fast or produced no output.

A failing cell breaks the build (:mod:`.cell_errors`), and each page asserts
its key results in hidden cells. This part catches what neither sees: code
that did not really run, or ran and showed nothing. It warns, with the file and
line, so the strict build fails, when

* a page or example took less than ``tfdocs_min_run_ms`` (100 ms): no page
  that trains or plots anything with TensorFlow is that fast, so the run was
  skipped or served from the wrong place;
* a page's code cells produced no output at all;
* a cell that creates a Matplotlib figure (``plt.subplots``, ``plt.figure`` …)
  shows no image, or a cell that ends with a call to one of the site's renderers
  (the functions named in ``tfdocs_renderers``) shows nothing rich (HTML or an
  image);
* a gallery example produced no figure (every ``plot_*`` script plots).

A cell tagged ``no-output-check`` is exempt from the cell rules.
"""

from __future__ import annotations

import ast
from collections.abc import Collection
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.util import logging

from tfdocs_sphinx import runs

if TYPE_CHECKING:
    from sphinx.application import Sphinx

__all__ = ["FIGURE_CALLS", "check_page", "expected_output"]

logger = logging.getLogger(__name__)

#: ``plt.<name>(...)`` calls that create a figure the inline backend will show.
FIGURE_CALLS = frozenset({"figure", "subplots", "subplot", "subplot_mosaic"})
EXEMPT_TAG = "no-output-check"


def expected_output(source: str, *, renderers: Collection[str] = ()) -> str | None:
    r"""Return the output a cell's code promises: ``"figure"``, ``"rich"`` or ``None``.

    A cell promises a figure if it calls ``plt.<one of FIGURE_CALLS>``, and a
    rich view if its last expression calls a function named in ``renderers``.

    >>> expected_output("fig, ax = plt.subplots()\nax.plot([1, 2])")
    'figure'
    >>> expected_output("x = tf.ones((2, 2))\nshow_tensor(x)", renderers={"show_tensor"})
    'rich'
    >>> expected_output("view = show_tensor(x)", renderers={"show_tensor"}) is None
    True
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:  # IPython syntax (magics): make no promise
        return None
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in FIGURE_CALLS
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "plt"
        ):
            return "figure"
    last = tree.body[-1] if tree.body else None
    if isinstance(last, ast.Expr) and isinstance(last.value, ast.Call):
        func = last.value.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in renderers:
            return "rich"
    return None


def check_page(app: Sphinx, doctree: nodes.document) -> None:
    """Warn about a page or example that ran too fast or showed nothing."""
    docname = app.env.docname
    run = runs.run_for(app.env, docname)
    if run is None or run.error is not None:  # not executed, or reported already
        return
    _check_time(app, docname, run.seconds)
    if run.kind == "page":
        _check_cells(docname, doctree, renderers=app.config.tfdocs_renderers)
        return
    figures = [
        node
        for node in doctree.findall(nodes.Element)
        if node.tagname in {"image", "imgsgnode"}
        and "sphx_glr_" in str(node.get("uri", ""))
        and "thumb" not in str(node.get("uri", ""))
    ]
    if not figures:
        logger.warning(
            "example produced no figure", location=(docname, 1), type="tfdocs"
        )


def _check_time(app: Sphinx, docname: str, seconds: float) -> None:
    limit = app.config.tfdocs_min_run_ms
    if seconds * 1000 < limit:
        logger.warning(
            "ran suspiciously fast: %.0f ms, under tfdocs_min_run_ms = %d",
            seconds * 1000,
            limit,
            location=(docname, 1),
            type="tfdocs",
        )


def _check_cells(
    docname: str, doctree: nodes.document, *, renderers: Collection[str]
) -> None:
    cells = [
        node
        for node in doctree.findall(nodes.container)
        if node.get("nb_element") == "cell_code"
    ]
    outputs = 0
    for cell in cells:
        output = [c for c in cell.children if c.get("nb_element") == "cell_code_output"]
        outputs += len(output)
        if EXEMPT_TAG in cell.get("cell_metadata", {}).get("tags", []):
            continue
        source = next(iter(cell.findall(nodes.literal_block)), None)
        promise = (
            expected_output(source.astext(), renderers=renderers)
            if source is not None
            else None
        )
        if promise is None:
            continue
        shown = [
            node
            for out in output
            for node in out.findall(nodes.Element)
            if isinstance(node, nodes.image)
            or (isinstance(node, nodes.raw) and promise == "rich")
        ]
        if not shown:
            what = "a figure" if promise == "figure" else "a rendered view"
            logger.warning(
                "this cell should show %s but produced none",
                what,
                location=(docname, cell.line),
                type="tfdocs",
            )
    if cells and not outputs:
        logger.warning(
            "no code cell of this page produced any output",
            location=(docname, 1),
            type="tfdocs",
        )


def connect(app: Sphinx) -> None:
    """Check every page and example as it is read (after the run record has it)."""
    app.connect("doctree-read", check_page)
