"""Notebook pages offer their executed notebook; gallery examples their script and notebook."""

from __future__ import annotations

import os
import urllib.request
from collections.abc import Callable

import nbformat
from visits import Visit

Visitor = Callable[[str], Visit]
COLAB = "https://colab.research.google.com/github/"


def _fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:  # the local server
        assert response.status == 200, url
        return response.read()


def _notebook(url: str) -> nbformat.NotebookNode:
    notebook = nbformat.reads(_fetch(url).decode("utf-8"), as_version=4)
    nbformat.validate(notebook)
    return notebook


def test_notebook_page_offers_its_executed_notebook(
    notebook_page: str, visit: Visitor
) -> None:
    """Executed: it holds (at least) the outputs that the page shows."""
    links = visit(notebook_page).links
    assert len(links["notebook"]) == 1, "no .ipynb in the download menu"
    notebook = _notebook(links["notebook"][0])
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code, "the notebook has no code cells"
    with_outputs = sum(1 for c in code if c.outputs)
    assert with_outputs >= links["outputs"] > 0, "fewer outputs than on the page"


def test_notebook_page_offers_its_source(notebook_page: str, visit: Visitor) -> None:
    links = visit(notebook_page).links
    assert len(links["source"]) == 1, "no source file in the download menu"
    assert _fetch(links["source"][0]).strip()


def test_copied_cell_is_a_cell_of_the_notebook(
    notebook_page: str, visit: Visitor
) -> None:
    record = visit(notebook_page)
    notebook = _notebook(record.links["notebook"][0])
    sources = {c.source.strip() for c in notebook.cells if c.cell_type == "code"}
    assert record.copied is not None
    assert record.copied.strip() in sources


def test_colab_button_only_with_a_repository(
    notebook_page: str, visit: Visitor
) -> None:
    """With TFDOCS_REPO_URL (as for the build), Colab opens the executed notebook."""
    links = visit(notebook_page).links
    repo = os.environ.get("TFDOCS_REPO_URL", "").rstrip("/")
    if not repo:
        assert links["colab"] == []
        assert links["launch"] == 0
        return
    branch = os.environ.get("TFDOCS_PAGES_BRANCH") or "gh-pages"
    owner_repo = repo.removeprefix("https://github.com/")
    site_path = links["notebook"][0].split("/", 3)[3]  # after http://host:port/
    assert links["colab"] == [f"{COLAB}{owner_repo}/blob/{branch}/{site_path}"]


def test_example_offers_its_script_and_notebook(
    example_page: str, visit: Visitor
) -> None:
    links = visit(example_page).links
    assert len(links["python"]) == 1, "no .py download"
    assert len(links["jupyter"]) == 1, "no .ipynb download"
    script = _fetch(links["python"][0]).decode("utf-8")
    compile(script, links["python"][0], "exec")
    notebook = _notebook(links["jupyter"][0])
    assert any(c.cell_type == "code" for c in notebook.cells)


def test_every_executed_unit_has_a_copyable_install_command(
    notebook_page: str, visit: Visitor
) -> None:
    """The "Run it yourself" box copies one pip command naming the site's wheel."""
    copied = visit(notebook_page).install_copied
    assert copied is not None, "no Run it yourself box"
    assert copied.startswith("pip install ")
    assert "\n" not in copied.strip()


def test_example_has_a_copyable_install_command(
    example_page: str, visit: Visitor
) -> None:
    copied = visit(example_page).install_copied
    assert copied is not None, "no Run it yourself box"
    assert copied.startswith("pip install ")


def test_downloaded_notebooks_use_the_python3_kernel(
    notebook_page: str, visit: Visitor
) -> None:
    notebook = _notebook(visit(notebook_page).links["notebook"][0])
    assert notebook.metadata.kernelspec.name == "python3"
    assert notebook.cells[0].metadata.tags == ["tfdocs-install"]
