"""Gallery examples run on the build's pool, each in a child of the zygote."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitebuild import SITES, build_site

pytestmark = pytest.mark.slow

UNITS = (
    SITES / "shards" / "first.md",
    SITES / "shards" / "plot_where.py",
    SITES / "shards" / "plot_first.py",
)


def test_examples_run_in_children_of_the_zygote_and_are_measured(
    tmp_path: Path,
) -> None:
    build = build_site(tmp_path, *UNITS)
    assert build.returncode == 0, build.output
    assert "executing 1 pages and 2 examples" in build.output, build.output
    html = (build.html / "auto_examples" / "plot_where.html").read_text("utf-8")
    assert "run by: a child of the zygote" in html
    executed = build.runs.executed()
    examples = {"auto_examples/plot_where", "auto_examples/plot_first"}
    assert set(executed) == {"first", *examples}
    for run in (executed[name] for name in examples):
        assert run.kind == "example"
        assert run.seconds > 0
        assert run.peak_mb > 0
        assert run.error is None
    # Outputs current: sphinx-gallery reuses them, the pool starts for nothing.
    again = build_site(tmp_path, *UNITS)
    assert again.returncode == 0, again.output
    assert "tfdocs: executing" not in again.output, again.output
    assert not again.runs.executed(), again.output
