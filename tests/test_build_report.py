"""Every executed page and example shows what it ran with; the report lists them all."""

from __future__ import annotations

import re

import pytest

from sitebuild import SiteBuild

pytestmark = pytest.mark.slow

BANNER = re.compile(
    r'<div class="tfdocs-run"><p>Executed with Python [\d.]+, TensorFlow [\d.]+ and '
    r'Keras [\d.]+ in <span class="tfdocs-measurement">[\d.]+ s</span>\.</p></div>'
)


@pytest.mark.parametrize("page", ["noisy.html", "auto_examples/plot_noisy.html"])
def test_executed_page_has_a_banner_under_its_title(
    clean_site: SiteBuild, page: str
) -> None:
    html = (clean_site.html / page).read_text(encoding="utf-8")
    banner = BANNER.search(html)
    assert banner is not None, html
    assert html.index("</h1>") < banner.start()


def test_unexecuted_page_has_no_banner(clean_site: SiteBuild) -> None:
    assert "tfdocs-run" not in (clean_site.html / "index.html").read_text(
        encoding="utf-8"
    )


def test_report_lists_every_run_with_time_and_memory(clean_site: SiteBuild) -> None:
    html = (clean_site.html / "report.html").read_text(encoding="utf-8")
    rows = re.findall(
        r'<tr><td><a href="([^"]+)">[^<]+</a></td><td>(page|example)</td>'
        r'<td><span class="tfdocs-measurement">([\d.]+)</span></td>'
        r'<td><span class="tfdocs-measurement">([\d.]+)</span></td></tr>',
        html,
    )
    assert [(link, kind) for link, kind, _, _ in rows] == [
        ("noisy.html", "page"),
        ("auto_examples/plot_noisy.html", "example"),
    ]
    assert all(float(seconds) > 0 and float(mb) > 100 for _, _, seconds, mb in rows)
    assert '<svg class="tfdocs-measurement tfdocs-chart"' in html
    bars = re.findall(r'<rect class="tfdocs-bar-(page|example)"[^>]* height="14"', html)
    assert bars == ["page", "example"]  # one bar per run, besides the legend's two
    assert html.count("<rect") == 2 + 2
    assert ">A noisy page</text>" in html  # bars are labelled with page titles


def test_measurements_stay_out_of_the_search_index(clean_site: SiteBuild) -> None:
    index = (clean_site.html / "searchindex.js").read_text(encoding="utf-8")
    assert "executed" not in index.lower()
