"""Report a failing notebook cell by the file and line it came from.

When a cell raises or times out, myst-nb only says "Executing notebook failed:
CellExecutionError". This part finds the failing cell in the executed
notebook, maps it back through myst-nb's source map to the line of the
``.md`` file (the line inside the cell when the traceback names one), and
reports ``docs/page.md:LINE: WARNING: ValueError: message`` with the traceback,
which ``-W`` turns into a failed build. An ``.ipynb`` page has no lines of its
own: it is reported as ``docs/page.ipynb:CELL: WARNING: cell CELL, line LINE:
ValueError: message``, the cell counted from 1 among all cells as notebook
editors show them, the line inside that cell. It also

* puts a "this page failed to execute" admonition at the top of the page, so a
  page built with ``--keep-going`` can never pass for a successful one;
* records the failure in the run record (:mod:`..runs`), which has every
  failed page read again on the next build, so an unchanged broken page cannot
  slip through on a warm environment.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import nbformat
from docutils import nodes
from myst_nb.sphinx_ import NbMetadataCollector
from sphinx.util import logging

from tfdocs_sphinx import runs
from tfdocs_sphinx.execute.rerun import RUNNING_CELL
from tfdocs_sphinx.notebooks import mystnb_config, page_config

if TYPE_CHECKING:
    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)

ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
CELL_FRAME = re.compile(r"Cell In\[(?P<count>\d+)\], line (?P<line>\d+)")


class CellFailure(NamedTuple):
    """Where a notebook page failed and why."""

    line: int
    summary: str
    traceback: str
    #: Where, in words: ``line 12`` of a page, or ``cell 3, line 2`` of an ``.ipynb``.
    where: str = ""

    def place(self) -> str:
        """Where the page failed, as the reader of the message finds it."""
        return self.where or f"line {self.line}"


def locate_failure(
    notebook: nbformat.NotebookNode,
    source_lines: list[str],
    error: str,
    timeout: int | None,
) -> CellFailure:
    """Find the failing cell of an executed notebook and its line in the source.

    The failing cell is the last code cell that started executing; its line is
    the cell's own line reported by the traceback, offset by where the cell's
    code starts in the ``.md`` file. If no cell started (the kernel died
    first), the failure is placed at the first code cell.
    """
    started = [
        (i, c)
        for i, c in enumerate(notebook.cells)
        if c.cell_type == "code" and c.get("execution_count") is not None
    ]
    running = notebook.metadata.get(RUNNING_CELL)
    if isinstance(running, int) and 0 <= running < len(notebook.cells):
        # The run noted the cell it was in: a dead kernel may not have said so.
        started = [(running, notebook.cells[running])]
    if not started:
        code = [(i, c) for i, c in enumerate(notebook.cells) if c.cell_type == "code"]
        if not code:
            return CellFailure(1, error, "")
        index, cell = code[0]
        return _placed(
            notebook, index, cell.source, source_lines, 1,
            f"{error}: no cell started", cell.source,
        )  # fmt: skip
    index, cell = started[-1]
    failure = next((o for o in cell.outputs if o.output_type == "error"), None)
    if error == "CellTimeoutError":
        summary = f"{error}: the cell did not finish within {timeout} s"
    elif error == "DeadKernelError":
        summary = (
            f"{error}: the kernel died while the cell ran (killed, out of memory?)"
        )
    elif error == "TimeoutError":
        summary = f"{error}: the cell's output was still arriving after its reply"
    elif failure is not None:
        summary = f"{failure.ename}: {failure.evalue}"
    else:
        summary = error
    if failure is None:
        return _placed(
            notebook, index, cell.source, source_lines, 1, summary, cell.source
        )
    traceback = ANSI_ESCAPE.sub("", "\n".join(failure.traceback))
    frames = [
        int(m["line"])
        for m in CELL_FRAME.finditer(traceback)
        if int(m["count"]) == cell.execution_count
    ]
    cell_line = frames[0] if frames else 1
    return _placed(
        notebook, index, cell.source, source_lines, cell_line, summary, traceback
    )


def _placed(
    notebook: nbformat.NotebookNode,
    index: int,
    source: str,
    lines: list[str],
    cell_line: int,
    summary: str,
    traceback: str,
) -> CellFailure:
    """Place a failure at line ``cell_line`` of cell ``index``, in the page's terms."""
    if not notebook.metadata.get("source_map"):  # an .ipynb page: cell and line
        where = f"cell {index + 1}, line {cell_line}"
        return CellFailure(index + 1, f"{where}: {summary}", traceback, where)
    first = _first_code_line(notebook, index, source, lines)
    return CellFailure(first + cell_line - 1, summary, traceback)


def _first_code_line(
    notebook: nbformat.NotebookNode, index: int, source: str, lines: list[str]
) -> int:
    """Return the 1-based line of the first line of code of cell ``index``."""
    source_map = notebook.metadata["source_map"]
    after_fence = int(source_map[index])  # 0-based index of the line after the fence
    first = source.split("\n", 1)[0]
    for offset, text in enumerate(lines[after_fence:], start=after_fence):
        if text == first:
            return offset + 1
    return after_fence


def report_failed_cell(app: Sphinx, doctree: nodes.document) -> None:
    """Warn with file, line and exception when this page's notebook failed."""
    env = app.env
    docname = env.docname
    exec_data = NbMetadataCollector.get_doc_data(env).get(docname, {}).get("exec_data")
    if not exec_data:
        return
    if exec_data["succeeded"]:
        runs.record_success(env, docname, exec_data.get("runtime"))
        return
    nb_config = mystnb_config(env)
    executed = Path(nb_config.output_folder, f"{docname}.ipynb")
    notebook = nbformat.read(executed, as_version=4)
    source_path = Path(env.doc2path(docname))
    source_lines = source_path.read_text(encoding="utf-8").splitlines()
    config = page_config(notebook, nb_config)
    failure = locate_failure(
        notebook, source_lines, exec_data["error"], config.execution_timeout
    )
    runs.record_failure(env, docname, failure.summary)
    logger.warning(
        "%s\n%s",
        failure.summary,
        _indent(failure.traceback),
        location=(docname, failure.line),
        type="tfdocs",
        subtype="cell",
    )
    banner = nodes.danger()
    banner += nodes.paragraph(
        text=f"This page failed to execute at {failure.place()} of "
        f"{source_path.name}: {failure.summary.removeprefix(failure.where + ': ')}"
    )
    doctree.insert(0, banner)


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" for line in text.strip().splitlines())


def connect(app: Sphinx) -> None:
    """Connect the failure reporter; the run record re-reads failed pages."""
    app.connect("doctree-read", report_failed_cell)
