"""An ``.ipynb`` page beside the MyST pages executes in the pool, caches and fails by cell.

A docs author may bring a notebook as Jupyter saved it: with the outputs of
their own machine, and a kernel named however their Jupyter named it. The
build executes it like any page (in the pool, before Sphinx reads it), caches
it, and reports a failure by the cell and the line inside the cell.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sitebuild import SITES, build_site

pytestmark = pytest.mark.slow

IPYNB = SITES / "ipynb"
EXECUTED_IN_POOL = "tfdocs: executed notebook_page in"
MYST_NB_EXECUTED = "Executing notebook using"  # myst-nb's own message


def test_ipynb_page_executes_in_the_pool_and_is_cached(tmp_path: Path) -> None:
    first = build_site(
        tmp_path, IPYNB / "notebook_page.ipynb", SITES / "publish" / "alpha.md"
    )
    assert first.returncode == 0, first.output
    assert EXECUTED_IN_POOL in first.output, first.output
    assert MYST_NB_EXECUTED not in first.output, first.output
    html = (first.html / "notebook_page.html").read_text(encoding="utf-8")
    assert "notebook page ran" in html
    assert "999" not in html  # the author's stale output is replaced by the run's
    assert set(first.runs.executed("page")) == {"notebook_page"}

    # A fresh environment reads every page again: the notebook comes from the cache.
    again = build_site(tmp_path, options=("-E",))
    assert again.returncode == 0, again.output
    assert EXECUTED_IN_POOL not in again.output, again.output
    assert MYST_NB_EXECUTED not in again.output, again.output
    assert again.runs.executed() == {}, again.output


def test_ipynb_failure_names_the_cell_and_the_line_in_it(tmp_path: Path) -> None:
    build = build_site(tmp_path, IPYNB / "notebook_failing.ipynb")
    assert build.returncode != 0, build.output
    assert (
        "notebook_failing.ipynb:3: WARNING: cell 3, line 2: "
        "ValueError: negative input: -1"
    ) in build.output, build.output
    html = (build.html / "notebook_failing.html").read_text(encoding="utf-8")
    assert "failed to execute at cell 3, line 2 of notebook_failing.ipynb" in html
