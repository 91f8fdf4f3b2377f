"""Executing a notebook in a kernel forked from the zygote (tfdocs_sphinx.execute.pool)."""

from __future__ import annotations

import nbformat

from tfdocs_sphinx import runs
from tfdocs_sphinx.execute import pool


def test_execute_notebook_reports_time_memory_versions_and_errors(
    zygote_pid: int,
) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "tfdocs", "display_name": "tfdocs"}
    notebook.cells = [
        nbformat.v4.new_code_cell("x = 6 * 7\nprint(x)"),
        nbformat.v4.new_code_cell("x"),
    ]
    executed, run_ok = pool.execute_notebook(notebook, timeout=60, allow_errors=False)
    assert executed.cells[0].outputs[0]["text"] == "42\n"
    assert run_ok.error is None
    assert run_ok.seconds > 0
    assert run_ok.peak_mb > 10
    assert set(run_ok.versions) == {"python", "tensorflow", "keras"}
    assert run_ok.kind == "page"
    assert run_ok.build == runs.current_build()

    notebook.cells = [nbformat.v4.new_code_cell("1 / 0")]
    _, run_failed = pool.execute_notebook(notebook, timeout=60, allow_errors=False)
    assert run_failed.error is not None
    assert "ZeroDivisionError" in run_failed.error
