"""The site features a reader expects, on the built site in Chromium.

The helpers' API reference, the versions banner and switcher, "Last updated"
dates (and the sitemap's ``lastmod``), the repository buttons (with
``TFDOCS_REPO_URL``, as for the build), links to the Python, NumPy, Matplotlib
and scikit-learn documentation, one description per page, and robots.txt.
"""

from __future__ import annotations

import ast
import html
import json
import os
import re
import tomllib
import urllib.request
from datetime import datetime
from pathlib import Path
from xml.etree import ElementTree

import pytest
from playwright.sync_api import Browser
from visits import open_page

TIMEOUT_MS = 30_000
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
# One page of each kind: the reference, a notebook page, a gallery example.
SHOWN = ["api/callbacks.html", "tensors.html", "auto_examples/basics/plot_first_model.html"]  # fmt: skip
EXTERNAL_DOCS = {
    "Python": "https://docs.python.org/3.11/",
    "NumPy": "https://numpy.org/doc/stable/",
    "Matplotlib": "https://matplotlib.org/stable/",
    "scikit-learn": "https://scikit-learn.org/stable/",
}


ROOT = Path(__file__).parents[2]


def _short(distribution: str) -> str:
    """``major.minor`` of the version uv.lock pins (the browser venv has no TF)."""
    lock = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
    pinned = {
        package["name"]: package.get("version", "") for package in lock["package"]
    }
    return ".".join(pinned[distribution].split(".")[:2])


def _text(site: Path, page: str) -> str:
    return (site / page).read_text(encoding="utf-8")


def _meta(text: str, attribute: str, name: str) -> str | None:
    match = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)"', text)
    return None if match is None else html.unescape(match[1])


def _sitemap(site: Path) -> dict[str, str | None]:
    root = ElementTree.parse(site / "sitemap.xml").getroot()
    return {
        str(url.findtext("s:loc", namespaces=SITEMAP_NS)): url.findtext(
            "s:lastmod", namespaces=SITEMAP_NS
        )
        for url in root.iterfind("s:url", SITEMAP_NS)
    }


# -- The API reference -------------------------------------------------------------


def test_the_reference_documents_every_helper(site: Path) -> None:
    """Each public name of tfdocs_helpers has its entry, EpochLogger included."""
    package = ROOT / "helpers" / "src" / "tfdocs_helpers" / "__init__.py"
    tree = ast.parse(package.read_text(encoding="utf-8"))
    names = next(
        node.value
        for node in tree.body
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "__all__"
    )
    text = "".join(_text(site, page.as_posix()) for page in (site / "api").glob("*.html"))  # fmt: skip
    ids = set(re.findall(r'<dt class="sig[^"]*" id="(tfdocs_helpers\.[\w.]+)"', text))
    documented = {name.rsplit(".", 1)[-1] for name in ids}
    public = set(ast.literal_eval(names)) - {"__version__"}
    assert public - documented == set()


def test_the_reference_shows_the_docstring_examples(
    browser: Browser, base_url: str
) -> None:
    with open_page(browser, base_url, "api/callbacks.html", timeout=TIMEOUT_MS) as (
        tab,
        log,
    ):
        signature = tab.locator("dt[id='tfdocs_helpers.callbacks.EpochLogger']")
        assert signature.is_visible()
        assert "every=1" in signature.inner_text()
        example = tab.locator("dd div.highlight pre").filter(has_text="EpochLogger()")
        assert example.count() == 1
        assert "epoch 3/3" in example.inner_text()
        button = example.locator("xpath=..").locator("button.copybtn")
        assert button.count() == 1  # copyable, prompts and outputs left out
    assert log.console_errors == []


@pytest.mark.parametrize("project", list(EXTERNAL_DOCS))
def test_the_reference_links_other_projects_docs(site: Path, project: str) -> None:
    text = "".join(_text(site, page.as_posix()) for page in (site / "api").glob("*.html"))  # fmt: skip
    assert f'href="{EXTERNAL_DOCS[project]}' in text, project


def test_the_reference_is_in_the_navigation(site: Path) -> None:
    assert 'href="api/index.html"' in _text(site, "index.html")


@pytest.mark.parametrize("shown", ["api/index.html", "api/callbacks.html", "api/datasets.html"])  # fmt: skip
def test_the_reference_fits_a_phone(
    shown: str, browser: Browser, base_url: str
) -> None:
    """Long dotted names and signatures wrap instead of pushing the page sideways."""
    viewport = {"width": 390, "height": 844}
    with open_page(browser, base_url, shown, timeout=TIMEOUT_MS, viewport=viewport) as (tab, _):  # fmt: skip
        assert tab.evaluate("document.documentElement.scrollWidth") <= 390


# -- Versions banner and switcher ---------------------------------------------------


def test_every_page_names_the_versions_it_documents(site: Path, page: str) -> None:
    banner = re.search(
        r'<div class="bd-header-announcement[^"]*"[^>]*>(.*?)</div>',
        _text(site, page),
        re.DOTALL,
    )
    assert banner is not None, "no versions banner"
    text = re.sub(r"<[^>]+>", "", banner[1])
    assert f"TensorFlow {_short('tensorflow')}" in text
    assert f"Keras {_short('keras')}" in text


@pytest.mark.parametrize("shown", SHOWN)
def test_the_switcher_shows_this_edition(
    shown: str, site: Path, browser: Browser, base_url: str
) -> None:
    entries = json.loads(_text(site, "_static/switcher.json"))
    preferred = [entry for entry in entries if entry.get("preferred")]
    assert len(preferred) == 1
    assert {"name", "version", "url"} <= set(preferred[0])
    with open_page(browser, base_url, shown, timeout=TIMEOUT_MS) as (tab, log):
        tab.locator(".bd-header-announcement").first.wait_for(state="visible")
        button = tab.locator("button.version-switcher__button").first
        tab.wait_for_function(
            "b => !b.textContent.includes('Choose version')",
            arg=button.element_handle(),
        )
        assert button.inner_text().strip() == preferred[0]["name"]
    assert log.console_errors == []


# -- Dates ---------------------------------------------------------------------------


def test_pages_show_the_date_the_sitemap_gives(site: Path) -> None:
    """In a git checkout, pages carry their last commit's date, as the sitemap does."""
    sitemap = _sitemap(site)
    if not any(sitemap.values()):
        pytest.skip("built outside git (or from a shallow clone): no dates")
    home = min((loc for loc in sitemap if loc.endswith("/index.html")), key=len)
    base = home.removesuffix("index.html")
    for loc, day in sorted(sitemap.items()):
        text = _text(site, loc.removeprefix(base))
        shown = re.search(r'class="last-updated">\s*(.*?)\s*<', text, re.DOTALL)
        if day is None:
            assert shown is None, loc  # no date rather than a made-up one
            continue
        assert shown is not None, loc
        expected = datetime.fromisoformat(day).strftime("%d %B %Y")
        assert " ".join(shown[1].split()) == f"Last updated on {expected}.", loc


def test_index_shows_last_updated(browser: Browser, base_url: str, site: Path) -> None:
    if not any(_sitemap(site).values()):
        pytest.skip("built outside git (or from a shallow clone): no dates")
    with open_page(browser, base_url, "index.html", timeout=TIMEOUT_MS) as (tab, _):
        assert re.fullmatch(
            r"Last updated on \d{2} \w+ \d{4}\.",
            " ".join(tab.locator(".last-updated").first.inner_text().split()),
        )


# -- Repository buttons ------------------------------------------------------------


@pytest.mark.parametrize("shown", SHOWN)
def test_repository_buttons_only_with_a_repository(
    shown: str, browser: Browser, base_url: str
) -> None:
    repo = os.environ.get("TFDOCS_REPO_URL", "").rstrip("/")
    with open_page(browser, base_url, shown, timeout=TIMEOUT_MS) as (tab, log):
        hrefs = {
            label: tab.locator(f"a.btn-source-{label}-button").evaluate_all(
                "links => links.map(a => a.href)"
            )
            for label in ("file", "edit", "issues", "repository")
        }
    if not repo:
        assert all(links == [] for links in hrefs.values()), hrefs
        return
    branch = os.environ.get("TFDOCS_REPO_BRANCH") or "main"
    source = (
        "examples/basics/plot_first_model.py"
        if shown.startswith("auto_examples/")
        else f"docs/{shown.removesuffix('.html')}.{'rst' if shown.startswith('api/') else 'md'}"
    )  # fmt: skip
    assert hrefs["file"] == [f"{repo}/blob/{branch}/{source}?plain=1"]
    assert hrefs["edit"] == [f"{repo}/edit/{branch}/{source}"]
    assert len(hrefs["issues"]) == 1
    assert hrefs["issues"][0].startswith(f"{repo}/issues/new")
    assert hrefs["repository"] == [repo]
    assert log.console_errors == []


# -- Descriptions and robots.txt --------------------------------------------------------


def test_descriptions_are_distinct(site: Path, content_page: str) -> None:
    """No two pages share an og:description; meta description says the same."""
    own = _meta(_text(site, content_page), "property", "og:description")
    assert own, "no og:description"
    assert _meta(_text(site, content_page), "name", "description") == own
    others = [
        page for page in _pages_with_description(site, own) if page != content_page
    ]
    assert others == [], f"shares its description with {others}"


def _pages_with_description(site: Path, description: str) -> list[str]:
    pages = []
    for path in site.rglob("*.html"):
        if {"_static", "_sources", "_downloads", "_images"} & set(path.parts):
            continue
        text = path.read_text(encoding="utf-8")
        if _meta(text, "property", "og:description") == description:
            pages.append(path.relative_to(site).as_posix())
    return pages


@pytest.mark.parametrize(
    "described",
    ["index.html", "glossary.html", "execution-report.html", "api/index.html"],
)
def test_pages_of_the_site_give_their_own_description(
    site: Path, described: str
) -> None:
    description = _meta(_text(site, described), "property", "og:description")
    assert description is not None
    assert not description.startswith("What you")
    assert description.endswith(".")
    assert description.count(". ") == 0  # one sentence


def test_robots_txt_points_at_the_sitemap(site: Path, base_url: str) -> None:
    with urllib.request.urlopen(f"{base_url}robots.txt", timeout=30) as response:
        lines = response.read().decode("utf-8").splitlines()
    sitemap = next(line for line in lines if line.startswith("Sitemap: "))
    url = sitemap.removeprefix("Sitemap: ")
    assert url.endswith("/sitemap.xml")
    base = url.removesuffix("sitemap.xml")
    assert all(loc.startswith(base) for loc in _sitemap(site))
    assert "User-agent: *" in lines
