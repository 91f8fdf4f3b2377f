"""Across the site: search, prompt-free copies, and legibility in dark mode and on phones."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote, urljoin

import pytest
from playwright.sync_api import Browser, Page
from visits import open_page

TIMEOUT_MS = 30_000
# A page of each kind of rich output: tensor tables, graph diagrams, gallery plots.
LEGIBILITY_PAGES = [
    "tensors.html",
    "graphs-and-tf-function.html",
    "auto_examples/basics/plot_first_model.html",
]
FIGURES = ".bd-article .cell_output [role=figure], .bd-article .cell_output [role=img]"

# Contrast of every text of the tensor tables and diagrams against what is behind it:
# the fill of its diagram node, else the first opaque background of its ancestors.
CONTRASTS_JS = """
selector => {
  const rgb = c => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = c => {
    const [r, g, b] = rgb(c).slice(0, 3).map(v => {
      v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const opaque = c => { const v = rgb(c); return v.length === 3 || v[3] > 0.5; };
  const background = el => {
    for (let e = el; e; e = e.parentElement) {
      const c = getComputedStyle(e).backgroundColor;
      if (opaque(c)) return c;
    }
    return 'rgb(255, 255, 255)';
  };
  const behind = el => {
    const rect = el.closest('g') && el.closest('g').querySelector('rect');
    if (el instanceof SVGElement && rect) return getComputedStyle(rect).fill;
    return background(el instanceof SVGElement ? el.ownerSVGElement : el);
  };
  const out = [];
  for (const figure of document.querySelectorAll(selector)) {
    const texts = [...figure.querySelectorAll('text, td, th, span, strong, div')]
      .filter(e => [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()));
    for (const el of texts) {
      const style = getComputedStyle(el);
      const fg = el instanceof SVGElement ? style.fill : style.color;
      const [a, b] = [lum(fg), lum(behind(el))].sort((x, y) => y - x);
      out.push({text: el.textContent.trim().slice(0, 30), ratio: (a + 0.05) / (b + 0.05)});
    }
  }
  return out;
}
"""
# Whether each content image paints its own opaque background (corner pixels), or
# sits on a light one: a transparent plot on a dark page would lose its black text.
IMAGES_JS = """
async () => {
  const out = [];
  for (const img of document.querySelectorAll('.bd-article img')) {
    img.loading = 'eager';
    if (!img.complete) await new Promise(r => { img.onload = img.onerror = r; });
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
    const ctx = canvas.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const w = canvas.width - 1, h = canvas.height - 1;
    const corners = [[0, 0], [w, 0], [0, h], [w, h]]
      .map(([x, y]) => ctx.getImageData(x, y, 1, 1).data[3]);
    out.push({src: img.getAttribute('src'), opaque: corners.every(a => a > 200)});
  }
  return out;
}
"""


def _search_term(site: Path) -> tuple[str, str]:
    """A word that only one page two folders deep contains, and that page."""
    text = (site / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    docnames = index["docnames"]
    for term, docs in sorted(index["terms"].items()):
        if not isinstance(docs, int) or docnames[docs].count("/") < 2:
            continue
        if not re.fullmatch(r"[a-z]{7,}", term):
            continue
        page = (site / f"{docnames[docs]}.html").read_text(encoding="utf-8")
        if re.search(rf"\b{term}\b", page, re.IGNORECASE):
            return term, docnames[docs]
    pytest.fail("no word of the search index is found on one deep page only")


def test_search_finds_a_term_that_is_only_on_a_deep_page(
    site: Path, browser: Browser, base_url: str
) -> None:
    term, docname = _search_term(site)
    with open_page(
        browser, base_url, f"search.html?q={quote(term)}", timeout=TIMEOUT_MS
    ) as (tab, log):
        results = tab.locator("#search-results ul.search li a")
        results.first.wait_for()
        hrefs = [
            urljoin(tab.url, h)
            for h in results.evaluate_all("l => l.map(a => a.getAttribute('href'))")
        ]
    found = [href.split("?")[0] for href in hrefs]
    assert urljoin(base_url, f"{docname}.html") in found, f"searched for {term!r}"
    assert log.console_errors == []


PROMPTED = """
<div class="highlight-pycon notranslate" id="tfdocs-pycon"><div class="highlight"><pre>\
<span class="gp">&gt;&gt;&gt; </span>x = 1
<span class="gp">&gt;&gt;&gt; </span>x + 1
<span class="go">2</span>
</pre></div></div>
<div class="highlight-text notranslate" id="tfdocs-shell"><div class="highlight"><pre>\
$ python -m pip install tensorflow
Successfully installed tensorflow
</pre></div></div>
"""


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ("tfdocs-pycon", "x = 1\nx + 1"),
        ("tfdocs-shell", "python -m pip install tensorflow"),
    ],
)
def test_copy_leaves_out_prompts_and_outputs(
    site: Path, browser: Browser, base_url: str, block: str, expected: str
) -> None:
    """The site's copy buttons, on a page given two prompted blocks before it loads."""
    html = (site / "index.html").read_text(encoding="utf-8")
    head, tail = html.split("</article>", 1)
    prompted = f"{head}{PROMPTED}</article>{tail}"
    fake = urljoin(base_url, "prompted-copy-check.html")  # beside index.html
    with open_page(browser, base_url, "index.html", timeout=TIMEOUT_MS) as (tab, log):
        tab.route(
            fake, lambda route: route.fulfill(body=prompted, content_type="text/html")
        )
        tab.goto(fake)
        tab.evaluate("navigator.clipboard.writeText('')")  # shared by all contexts
        tab.locator(f"#{block} button.copybtn").click()  # copybutton renames <pre>s
        copied = tab.evaluate("navigator.clipboard.readText()")
    assert copied.strip() == expected
    assert log.console_errors == []


def _contrast_failures(tab: Page) -> list[str]:
    return [
        f"{c['text']!r} {c['ratio']:.2f}:1"
        for c in tab.evaluate(CONTRASTS_JS, FIGURES)
        if c["ratio"] < 4.5
    ]


@pytest.mark.parametrize("shown", LEGIBILITY_PAGES)
def test_outputs_stay_legible_in_dark_mode_and_on_phones(
    shown: str, browser: Browser, base_url: str, screenshots: Path
) -> None:
    name = shown.removesuffix(".html").replace("/", "-")
    views = {
        "light": {"color_scheme": "light"},
        "dark": {"color_scheme": "dark"},
        "phone": {"color_scheme": "light", "viewport": {"width": 390, "height": 844}},
    }
    for view, options in views.items():
        with open_page(browser, base_url, shown, timeout=TIMEOUT_MS, **options) as (
            tab,
            log,
        ):
            theme = tab.evaluate("document.documentElement.dataset.theme")
            assert theme == options["color_scheme"], f"{view}: theme is {theme}"
            target = tab.locator(f"{FIGURES}, .bd-article img").first
            assert target.count() == 1, f"{shown} has no figure, diagram or image"
            target.scroll_into_view_if_needed()
            tab.screenshot(path=screenshots / f"{name}-{view}.png")
            assert _contrast_failures(tab) == [], view
            transparent = [i["src"] for i in tab.evaluate(IMAGES_JS) if not i["opaque"]]
            assert transparent == [], f"{view}: images without their own background"
            if view == "phone":
                width = tab.evaluate("document.documentElement.scrollWidth")
                assert width <= 390, f"the page scrolls sideways on a phone: {width}px"
            assert log.console_errors == [], view


def test_no_execution_times_page(site: Path) -> None:
    """sphinx-gallery's run-time page loads CDN assets: it stays switched off."""
    assert list(site.rglob("sg_execution_times.html")) == []
