"""A successful build leaves no log lines or control characters on the pages."""

from __future__ import annotations

import re

import pytest

from sitebuild import SiteBuild

pytestmark = pytest.mark.slow

TEXT_SUFFIXES = {".html", ".txt", ".js", ".ipynb", ".py", ".md", ".json"}
NOISE = re.compile(r"absl::InitializeLog|oneDNN custom operations|cuda_|\x08|\r")


def test_build_succeeds(clean_site: SiteBuild) -> None:
    assert clean_site.returncode == 0, clean_site.output


def test_no_log_lines_or_control_characters(clean_site: SiteBuild) -> None:
    noisy = [
        path.relative_to(clean_site.html).as_posix()
        for path in clean_site.html.rglob("*")
        if path.suffix in TEXT_SUFFIXES
        and NOISE.search(path.read_text(encoding="utf-8", errors="replace"))
    ]
    assert noisy == []


def test_pages_load_nothing_from_other_hosts(clean_site: SiteBuild) -> None:
    # rel="canonical" names the page's published address; it loads nothing.
    external = re.compile(
        r"<(?:script|link(?![^>]*\brel=\"canonical\")|img)\b[^>]*\b(?:src|href)=\"(?:https?:)?//"
    )
    pages = sorted(clean_site.html.rglob("*.html"))
    assert pages
    for page in pages:
        assert not external.search(page.read_text(encoding="utf-8")), page.name
    assert (clean_site.html / "_static" / "mathjax" / "tex-chtml.js").is_file()


@pytest.mark.parametrize("page", ["noisy.html", "auto_examples/plot_noisy.html"])
def test_progress_bar_keeps_its_last_frame(clean_site: SiteBuild, page: str) -> None:
    html = (clean_site.html / page).read_text(encoding="utf-8")
    assert "Epoch 2/2" in html
    assert html.count("8/8") == 2  # one final frame per epoch, not one per step
    # No earlier frame on a line of its own: a slow machine draws an extra 8/8
    # before the final one, which the count alone would catch only there.
    assert "1/8" not in html


def test_carriage_returns_replayed(clean_site: SiteBuild) -> None:
    html = (clean_site.html / "noisy.html").read_text(encoding="utf-8")
    assert "loading 100%" in html
    assert "loading   0%" not in html


def test_stream_chunks_are_joined_exactly(clean_site: SiteBuild) -> None:
    html = (clean_site.html / "noisy.html").read_text(encoding="utf-8")
    assert "one two three done" in html
