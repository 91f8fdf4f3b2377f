"""Pages as myst-nb reads them, and their own settings (tfdocs_sphinx.notebooks)."""

from __future__ import annotations

import nbformat
from myst_nb.core.config import NbParserConfig

from tfdocs_sphinx.notebooks import join_notebook_streams, page_config


def _notebook(metadata: dict[str, object]) -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata.update(metadata)
    return notebook


def test_a_page_without_metadata_gets_the_sites_settings() -> None:
    site = NbParserConfig(execution_timeout=120)
    assert page_config(_notebook({}), site) is site


def test_a_page_lowers_its_timeout_and_keeps_the_output_folder() -> None:
    site = NbParserConfig(execution_timeout=120, output_folder="build")
    notebook = _notebook(
        {"mystnb": {"execution_timeout": 3, "output_folder": "elsewhere"}}
    )
    config = page_config(notebook, site)
    assert config.execution_timeout == 3
    assert config.output_folder == "build"


def test_the_kernel_is_renamed_as_myst_nb_renames_it() -> None:
    site = NbParserConfig(kernel_rgx_aliases={"python3": "tfdocs"})
    notebook = _notebook({"kernelspec": {"name": "python3", "display_name": "P"}})
    page_config(notebook, site)
    assert notebook.metadata["kernelspec"]["name"] == "tfdocs"


def test_streams_are_joined_per_cell_and_stream() -> None:
    out = nbformat.v4.new_output
    cell = nbformat.v4.new_code_cell("print(1)")
    cell.outputs = [
        out("stream", name="stdout", text="one "),
        out("stream", name="stdout", text="two\n"),
        out("stream", name="stderr", text="oops\n"),
        out("stream", name="stdout", text="three\n"),
    ]
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# T"), cell]
    )
    join_notebook_streams(notebook)
    assert [(o.name, o.text) for o in notebook.cells[1].outputs] == [
        ("stdout", "one two\n"),
        ("stderr", "oops\n"),
        ("stdout", "three\n"),
    ]
