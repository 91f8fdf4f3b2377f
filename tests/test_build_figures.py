"""Text cut off at the edge of a figure fails the build, naming the page or example."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitebuild import SITES, SiteBuild, build_site

pytestmark = pytest.mark.slow

FIGURES = SITES / "figures"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[SiteBuild, SiteBuild]:
    """The fixture figures built twice in one folder: the second build changes nothing."""
    root = tmp_path_factory.mktemp("figures")
    first = build_site(root, *sorted(FIGURES.iterdir()))
    return first, build_site(root)


def _cell_lines(page: Path) -> range:
    """The lines of the page's only code cell, its fences included."""
    lines = page.read_text(encoding="utf-8").splitlines()
    fences = [n for n, line in enumerate(lines, start=1) if line.startswith("```")]
    return range(fences[0], fences[1] + 1)


def _warnings(build: SiteBuild) -> list[str]:
    return [line for line in build.output.splitlines() if "WARNING" in line]


@pytest.mark.parametrize("which", [0, 1], ids=["first build", "unchanged rebuild"])
def test_a_clipped_gallery_figure_fails_its_example(
    built: tuple[SiteBuild, SiteBuild], which: int
) -> None:
    build = built[which]
    assert build.returncode != 0, build.output
    assert "plot_clipped.py unexpectedly failed to execute" in build.output
    assert "ClippedTextError: text outside the saved image" in build.output
    assert "figure 1: x-axis label 'epoch' is cut off: " in build.output


@pytest.mark.parametrize("which", [0, 1], ids=["first build", "unchanged rebuild"])
def test_a_clipped_page_figure_is_reported_with_its_line(
    built: tuple[SiteBuild, SiteBuild], which: int
) -> None:
    message = (
        "WARNING: figure text outside the saved image: "
        "figure text 'source: generated' is cut off: "
    )
    reported = [
        line.split("clipped.md:")[1].split(":")[0]
        for line in _warnings(built[which])
        if "clipped.md:" in line and message in line
    ]
    assert len(reported) == 1, built[which].output
    assert int(reported[0]) in _cell_lines(FIGURES / "clipped.md")


def test_figures_that_fit_pass(built: tuple[SiteBuild, SiteBuild]) -> None:
    build = built[0]
    assert not [line for line in _warnings(build) if "laid_out" in line], build.output
    assert "plot_laid_out.py unexpectedly failed" not in build.output
    assert (build.html / "_images" / "sphx_glr_plot_laid_out_001.png").is_file()
    page = (build.html / "laid_out.html").read_text(encoding="utf-8")
    assert "tfdocs_figures" not in page
    assert '<img alt="_images/' in page or "<img " in page
