"""A portable notebook is valid: its cell ids come with nbformat 4.5."""

from __future__ import annotations

import nbformat

from tfdocs_sphinx.publish.install import portable_notebook


def test_cell_ids_raise_an_older_notebook_to_4_5() -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.nbformat_minor = 4  # as sphinx-gallery writes them
    notebook.cells = [nbformat.v4.new_code_cell("print(1)")]
    for cell in notebook.cells:
        cell.pop("id", None)
    portable = portable_notebook(notebook, [])
    assert portable.nbformat_minor == 5
    assert all("id" in cell for cell in portable.cells)
    nbformat.validate(portable)
