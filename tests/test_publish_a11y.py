"""Accessibility fixes of the theme's and extensions' HTML (tfdocs_sphinx.publish.a11y)."""

from __future__ import annotations

import re

import pytest

from sitebuild import SiteBuild
from tfdocs_sphinx.publish.a11y import figure_alt

pytestmark = pytest.mark.slow


def _html(site: SiteBuild, page: str) -> str:
    return (site.html / page).read_text(encoding="utf-8")


def _alts(html: str) -> list[str]:
    return re.findall(r'<img [^>]*?alt="([^"]*)"', html)


def test_build_succeeds(notebook_site: SiteBuild) -> None:
    assert notebook_site.returncode == 0, notebook_site.output


def test_thumbnail_alt_is_the_example_title(notebook_site: SiteBuild) -> None:
    assert "Drawing a line" in _alts(_html(notebook_site, "auto_examples/index.html"))


def test_untitled_gallery_figure_is_described_by_its_section(
    notebook_site: SiteBuild,
) -> None:
    alts = _alts(_html(notebook_site, "auto_examples/plot_line.html"))
    assert "Figure in “Draw” (Drawing a line)" in alts
    assert "plot line" not in alts


def test_output_plot_is_described_by_its_section(notebook_site: SiteBuild) -> None:
    alts = _alts(_html(notebook_site, "notebook.html"))
    logos = [alt for alt in alts if alt == "tfdocs - Home"]  # light and dark logo
    assert len(logos) == 2
    assert [alt for alt in alts if alt not in logos] == [
        "Figure in “A straight line” (A notebook page)"
    ]


def test_hidden_input_toggle_is_named_by_its_text(notebook_site: SiteBuild) -> None:
    html = _html(notebook_site, "notebook.html")
    assert "Show code cell source" in html
    assert "Toggle hidden content" not in html


def test_every_summary_has_a_name(notebook_site: SiteBuild) -> None:
    html = _html(notebook_site, "notebook.html")
    summaries = re.findall(r"<summary[^>]*>\s*(?:<p[^>]*>([^<]*))?", html)
    assert summaries
    named = re.findall(r'<summary aria-label="Pages under [^"]+"', html)
    texts = [text for text in summaries if text.strip()]
    assert len(named) + len(texts) == len(summaries)


def test_search_button_is_named_by_its_text(notebook_site: SiteBuild) -> None:
    """The search field shows "Search Ctrl+K": no aria-label may hide that text."""
    buttons = re.findall(
        r'<button class="[^"]*search-button-field[^>]*>',
        _html(notebook_site, "notebook.html"),
    )
    assert buttons
    assert [b for b in buttons if "aria-label" in b] == []


def test_pages_load_the_fixes_and_follow_the_system_theme(
    notebook_site: SiteBuild,
) -> None:
    html = _html(notebook_site, "notebook.html")
    assert "_static/tfdocs_a11y.css" in html
    assert "_static/tfdocs_a11y.js" in html
    assert 'localStorage.getItem("mode") || "auto"' in html


def test_copy_buttons_skip_outputs_and_prompts(notebook_site: SiteBuild) -> None:
    script = (notebook_site.html / "_static" / "copybutton.js").read_text("utf-8")
    assert "div:not(.output):not(.sphx-glr-script-out) > div.highlight > pre" in script
    assert r"In \\[\\d*\\]: " in script


@pytest.mark.parametrize(
    ("number", "count"), [(0, 2), (3, 2), (1, 0)], ids=["zero", "past", "none"]
)
def test_figure_alt_rejects_a_wrong_number(number: int, count: int) -> None:
    with pytest.raises(ValueError, match="number must be"):
        figure_alt(page="P", section="S", number=number, count=count)
