"""Degraded pages fail the build: wrong results, no output, or runs too fast."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitebuild import SITES, SiteBuild, build_site, marked_line

pytestmark = pytest.mark.slow

CHECKS = SITES / "checks"


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> SiteBuild:
    """One build of the pages and the example that show less than they promise."""
    return build_site(tmp_path_factory.mktemp("checks"), *sorted(CHECKS.iterdir()))


def test_a_model_that_stops_learning_fails_the_build(tmp_path: Path) -> None:
    page = SITES / "degradation" / "lr_zero.md"
    build = build_site(tmp_path, page)
    assert build.returncode != 0, build.output
    assert (
        f"lr_zero.md:{marked_line(page)}: WARNING: AssertionError: accuracy"
        in build.output
    )
    assert "the model did not learn" in build.output


def test_checked_pages_fail_the_build(checked: SiteBuild) -> None:
    assert checked.returncode != 0, checked.output


@pytest.mark.parametrize(
    ("page", "message"),
    [
        ("figure_missing.md", "this cell should show a figure but produced none"),
        (
            "renderer_silent.md",
            "this cell should show a rendered view but produced none",
        ),
        ("silent.md", "no code cell of this page produced any output"),
        ("plot_no_figure.rst", "example produced no figure"),
    ],
)
def test_each_degraded_page_is_named(
    checked: SiteBuild, page: str, message: str
) -> None:
    lines = [line for line in checked.output.splitlines() if message in line]
    assert any(page in line and "WARNING" in line for line in lines), checked.output


def test_only_the_degraded_pages_are_reported(checked: SiteBuild) -> None:
    reported = [line for line in checked.output.splitlines() if "[tfdocs]" in line]
    assert len(reported) == 4, "\n".join(reported)


def test_a_run_faster_than_the_floor_is_reported(tmp_path: Path) -> None:
    clean = sorted((SITES / "clean").glob("*/*.*"))
    build = build_site(tmp_path, *clean, options=("-D", "tfdocs_min_run_ms=600000"))
    assert build.returncode != 0, build.output
    fast = [
        line for line in build.output.splitlines() if "ran suspiciously fast" in line
    ]
    assert any("noisy.md" in line for line in fast), build.output
    assert any("plot_noisy" in line for line in fast), build.output
