"""Keep cell and script outputs out of the pages' Open Graph descriptions.

sphinxext-opengraph writes ``og:description`` (and ``<meta name="description">``)
from a page's text, skipping the text of literal blocks, which it finds by the
text node's parent. tfdocs_terminal replaces the text of a replayed output block
without setting that parent, so the raw output (progress bars and all) would end
up in the description. This pass, run after it, gives those text nodes their
parent back; it can go once tfdocs_terminal assigns with ``block[:] = [...]``.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx


def adopt_literal_text(app: Sphinx, doctree: nodes.document) -> None:
    """Set the parent of every child of a literal block to that block."""
    for block in doctree.findall(nodes.literal_block):
        for child in block.children:
            child.parent = block


def setup(app: Sphinx) -> dict[str, Any]:
    """Run after tfdocs_terminal's doctree pass (default priority 500)."""
    app.connect("doctree-read", adopt_literal_text, priority=900)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
