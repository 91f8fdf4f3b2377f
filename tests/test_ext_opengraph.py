"""Outputs stay out of Open Graph descriptions (docs/_ext/tfdocs_opengraph.py)."""

from __future__ import annotations

from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.utils import new_document
from sphinxext.opengraph._description_parser import get_description

from tfdocs_opengraph import adopt_literal_text


def _page() -> nodes.document:
    """A page whose output block lost its text's parent, as tfdocs_terminal does."""
    document = new_document("page", get_default_settings())
    block = nodes.literal_block("", "")
    block.children = [nodes.Text("8/8 loss: 0.1")]
    document += [nodes.paragraph("", "Fit a line."), block]
    return document


def test_orphaned_output_leaks_into_the_description() -> None:
    assert "8/8" in get_description(_page(), 200)


def test_adopted_output_stays_out() -> None:
    page = _page()
    adopt_literal_text(None, page)  # type: ignore[arg-type]
    assert get_description(page, 200) == "Fit a line."
