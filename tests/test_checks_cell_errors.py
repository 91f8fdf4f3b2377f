"""Mapping a failed cell back to its source line (tfdocs_sphinx.checks.cell_errors)."""

from __future__ import annotations

import nbformat

from tfdocs_sphinx.checks.cell_errors import locate_failure
from tfdocs_sphinx.execute.rerun import RUNNING_CELL

SOURCE = """\
---
file_format: mystnb
---

# Page

```{code-cell} ipython3
def check(x):
    if x < 0:
        raise ValueError(f"negative input: {x}")
    return x
```

```{code-cell} ipython3
:tags: [remove-cell]
total = 0
total += check(-1)
```
"""


def _notebook(
    *, error: bool, counts: tuple[int | None, ...] = (1, 2)
) -> nbformat.NotebookNode:
    first = nbformat.v4.new_code_cell(
        'def check(x):\n    if x < 0:\n        raise ValueError(f"negative input: {x}")'
        "\n    return x",
        execution_count=counts[0],
    )
    second = nbformat.v4.new_code_cell(
        "total = 0\ntotal += check(-1)", execution_count=counts[1]
    )
    if error:
        second.outputs = [
            nbformat.v4.new_output(
                "error",
                ename="ValueError",
                evalue="negative input: -1",
                traceback=[
                    "\x1b[31mValueError\x1b[0m  Traceback (most recent call last)",
                    "Cell \x1b[32mIn[2], line 2\x1b[0m\n      1 total = 0\n----> 2 total",
                    "Cell In[1], line 3, in check(x)\n----> 3 raise ValueError",
                    "\x1b[31mValueError\x1b[0m: negative input: -1",
                ],
            )
        ]
    markdown = nbformat.v4.new_markdown_cell("# Page")
    notebook = nbformat.v4.new_notebook(cells=[markdown, first, second])
    notebook.metadata["source_map"] = [4, 7, 14]
    return notebook


def test_exception_maps_to_the_line_inside_the_failing_cell() -> None:
    failure = locate_failure(
        _notebook(error=True), SOURCE.splitlines(), "CellExecutionError", 30
    )
    assert SOURCE.splitlines()[failure.line - 1] == "total += check(-1)"
    assert failure.summary == "ValueError: negative input: -1"
    assert "\x1b" not in failure.traceback
    assert "Cell In[1], line 3, in check" in failure.traceback


def test_timeout_maps_to_the_first_line_of_the_running_cell() -> None:
    failure = locate_failure(
        _notebook(error=False), SOURCE.splitlines(), "CellTimeoutError", 3
    )
    assert SOURCE.splitlines()[failure.line - 1] == "total = 0"
    assert failure.summary == "CellTimeoutError: the cell did not finish within 3 s"


def test_cells_that_never_ran_are_skipped() -> None:
    notebook = _notebook(error=False, counts=(1, None))
    failure = locate_failure(notebook, SOURCE.splitlines(), "CellTimeoutError", 3)
    assert SOURCE.splitlines()[failure.line - 1] == "def check(x):"


def test_notebook_without_source_map_counts_cells() -> None:
    notebook = _notebook(error=True)
    del notebook.metadata["source_map"]
    failure = locate_failure(notebook, [], "CellExecutionError", 30)
    assert failure.line == 3  # an .ipynb is located by cell
    assert failure.where == "cell 3, line 2"
    assert failure.summary == "cell 3, line 2: ValueError: negative input: -1"


def test_notebook_whose_kernel_died_before_any_cell_names_the_first_cell() -> None:
    notebook = _notebook(error=False, counts=(None, None))
    del notebook.metadata["source_map"]
    failure = locate_failure(notebook, [], "DeadKernelError", 30)
    assert failure.summary == "cell 2, line 1: DeadKernelError: no cell started"


def test_the_cell_a_dead_kernel_was_running_is_named_even_unstarted() -> None:
    notebook = _notebook(error=False, counts=(1, None))  # died before it said so
    notebook.metadata[RUNNING_CELL] = 2
    failure = locate_failure(notebook, SOURCE.splitlines(), "DeadKernelError", 30)
    assert SOURCE.splitlines()[failure.line - 1] == "total = 0"
    assert failure.summary.startswith("DeadKernelError: the kernel died")
