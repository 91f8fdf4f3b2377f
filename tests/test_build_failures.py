"""A broken page or example fails the build with its file, line and exception."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sitebuild import SITES, build_site, marked_line

pytestmark = pytest.mark.slow

FAILURES = SITES / "failures"
CASES = {
    "exception.md": "ValueError: negative input: -1",
    "shape_mismatch.md": "InvalidArgumentError: ",
    "name_error.md": "NameError: name 'undefined_name' is not defined",
    "hanging_cell.md": "the cell did not finish within 3 s",
    "broken_xref.md": "undefined label: 'no-such-label'",
    "plot_failing.py": "ValueError: cannot reshape array of size 3",
}


def _location(page: Path) -> str:
    line = marked_line(page)
    if page.suffix == ".py":
        return f'{page.name}", line {line}'
    return f"{page.name}:{line}"


@pytest.mark.parametrize("name", sorted(CASES))
def test_failure_names_file_line_and_exception(tmp_path: Path, name: str) -> None:
    page = FAILURES / name
    build = build_site(tmp_path, page)
    assert build.returncode != 0, build.output
    assert _location(page) in build.output, build.output
    assert CASES[name] in build.output, build.output


def test_tensorflow_log_line_on_a_page_fails_the_build(tmp_path: Path) -> None:
    build = build_site(tmp_path, FAILURES / "log_line.md")
    assert build.returncode != 0, build.output
    assert "log_line.md:" in build.output, build.output
    assert (
        "TensorFlow log line in a cell's output: "
        "WARNING:tensorflow:this warning fails here"
    ) in build.output, build.output


def test_failed_page_is_marked_and_fails_again_unchanged(tmp_path: Path) -> None:
    page = FAILURES / "exception.md"
    first = build_site(tmp_path, page)
    html = (first.html / "exception.html").read_text(encoding="utf-8")
    assert "This page failed to execute" in html
    second = build_site(tmp_path)
    assert second.returncode != 0, second.output
    assert _location(page) in second.output, second.output


def test_failing_example_fails_again_unchanged(tmp_path: Path) -> None:
    page = FAILURES / "plot_failing.py"
    build_site(tmp_path, page)
    second = build_site(tmp_path)
    assert second.returncode != 0, second.output
    assert _location(page) in second.output, second.output


def test_a_warning_of_an_example_run_in_the_pool_fails_the_strict_build(
    tmp_path: Path,
) -> None:
    # sphinx-gallery warns in the process that runs the example (a child of the
    # zygote): the warning must reach the build, not the child's stderr alone.
    build = build_site(tmp_path, FAILURES / "plot_missing_thumbnail.py")
    assert build.returncode != 0, build.output
    # Through Sphinx's logging (its type and subtype), not the child's stderr.
    warning = re.search(r"WARNING: sphinx_gallery_thumbnail_path .*", build.output)
    assert warning, build.output
    assert warning.group().endswith("[sphinx_gallery.thumbnail]"), warning.group()
