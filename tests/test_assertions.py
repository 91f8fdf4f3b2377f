"""Every page and every gallery example asserts its key results where readers don't see it.

A page whose model silently stops learning must break the build, so each carries
``assert`` statements in cells tagged ``remove-cell`` (pages) or in
``sphinx_gallery_start_ignore`` blocks (examples).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from myst_nb.core.read import read_myst_markdown_notebook

ROOT = Path(__file__).parents[1]
PAGES = sorted(
    path
    for path in (ROOT / "docs").rglob("*.md")
    if "auto_examples" not in path.parts
    and "kernelspec:" in path.read_text(encoding="utf-8").split("\n---", 1)[0]
)
EXAMPLES = sorted((ROOT / "examples").rglob("plot_*.py"))
IGNORED_BLOCK = re.compile(
    r"# sphinx_gallery_start_ignore\n(.*?)# sphinx_gallery_end_ignore", re.DOTALL
)


def _asserts(code: str) -> int:
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return 0
    return sum(isinstance(node, ast.Assert) for node in ast.walk(tree))


def test_there_are_pages_and_examples() -> None:
    assert len(PAGES) >= 20
    assert len(EXAMPLES) >= 10


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_page_asserts_its_results_in_hidden_cells(page: Path) -> None:
    notebook = read_myst_markdown_notebook(page.read_text(encoding="utf-8"))
    hidden = [
        cell.source
        for cell in notebook.cells
        if cell.cell_type == "code" and "remove-cell" in cell.metadata.get("tags", [])
    ]
    assert sum(_asserts(code) for code in hidden) > 0, f"{page}: no hidden assert"


@pytest.mark.parametrize(
    "example", EXAMPLES, ids=lambda p: p.relative_to(ROOT).as_posix()
)
def test_example_asserts_its_results_in_ignored_blocks(example: Path) -> None:
    blocks = IGNORED_BLOCK.findall(example.read_text(encoding="utf-8"))
    code = "\n".join(
        "\n".join(line.removeprefix("    ") for line in block.splitlines())
        for block in blocks
    )
    assert _asserts(code) > 0 or any(_asserts(block) for block in blocks), (
        f"{example}: no assert in a sphinx_gallery_start_ignore block"
    )


def test_the_check_finds_a_missing_assertion() -> None:
    assert _asserts("x = 1\nprint(x)") == 0
    assert _asserts("assert 1 + 1 == 2") == 1
