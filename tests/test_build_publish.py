"""What a published page carries: 404 page, sitemap, Open Graph, logo, prev/next."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup

from sitebuild import SITES, SiteBuild, build_site

pytestmark = pytest.mark.slow

# Served below a path, as a GitHub Pages project site is. The build is given it
# without its trailing slash, as actions/configure-pages gives it: conf.py adds it.
BASE_URL = "https://example.org/tfdocs/"
DEEP_MISSING = urljoin(BASE_URL, "some/deep/missing/page")
PAGES = ["index.html", "alpha.html", "beta.html", "auto_examples/index.html"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> SiteBuild:
    """The base site plus two plain pages, built for BASE_URL."""
    pages = sorted((SITES / "publish").glob("*.md"))
    env = {"TFDOCS_BASE_URL": BASE_URL.rstrip("/")}
    return build_site(tmp_path_factory.mktemp("publish"), *pages, env=env)


def _soup(site: SiteBuild, page: str) -> BeautifulSoup:
    return BeautifulSoup((site.html / page).read_text(encoding="utf-8"), "html.parser")


def _local_urls(soup: BeautifulSoup) -> list[str]:
    """Every URL of a link, script, image, anchor or form on the page, off-page."""
    attributes = {"link": "href", "script": "src", "img": "src", "a": "href"}
    attributes["form"] = "action"
    urls = [
        tag[attribute]
        for name, attribute in attributes.items()
        for tag in soup.find_all(name)
        if tag.has_attr(attribute)
    ]
    return [url for url in urls if not url.startswith(("#", "mailto:"))]


def _unresolved(site: SiteBuild, urls: list[str], page_url: str) -> list[str]:
    """The ``urls`` that name no file of the site, read on a page at page_url."""
    missing = []
    for url in urls:
        target = urljoin(page_url, url)
        if not target.startswith(BASE_URL):
            missing.append(url)
            continue
        path = urlsplit(target).path.removeprefix(urlsplit(BASE_URL).path)
        if not (site.html / (path or "index.html")).is_file():
            missing.append(url)
    return missing


def test_build_succeeds(site: SiteBuild) -> None:
    assert site.returncode == 0, site.output


def test_404_page_resolves_everything_from_a_deep_missing_url(site: SiteBuild) -> None:
    soup = _soup(site, "404.html")
    assert soup.title is not None
    assert "Page not found" in soup.title.text
    urls = _local_urls(soup)
    assert len(urls) > 20  # stylesheets, scripts, logo, navigation
    assert _unresolved(site, urls, DEEP_MISSING) == []
    # Search results are links prefixed with content_root (publish.notfound).
    assert soup.html is not None
    assert soup.html["data-content_root"] == "/tfdocs/"


def test_an_ordinary_page_would_not_resolve_there(site: SiteBuild) -> None:
    # The check above can fail: relative links break at another depth.
    urls = _local_urls(_soup(site, "alpha.html"))
    assert _unresolved(site, urls, urljoin(BASE_URL, "alpha.html")) == []
    assert _unresolved(site, urls, DEEP_MISSING) != []


def test_sitemap_lists_every_page_under_the_base_url(site: SiteBuild) -> None:
    tree = ElementTree.parse(site.html / "sitemap.xml")
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = {loc.text for loc in tree.getroot().iterfind("s:url/s:loc", namespace)}
    assert locations == {BASE_URL + page for page in PAGES}


@pytest.mark.parametrize("page", PAGES)
def test_open_graph_tags(site: SiteBuild, page: str) -> None:
    soup = _soup(site, page)
    tags = {
        meta["property"]: meta["content"]
        for meta in soup.find_all("meta")
        if meta.get("property", "").startswith("og:")
    }
    assert tags["og:url"] == BASE_URL + page
    assert tags["og:title"]
    assert tags["og:description"]
    assert tags["og:site_name"] == "tfdocs"
    assert "og:image" not in tags  # no generated social cards


def test_open_graph_title_and_description_come_from_the_page(site: SiteBuild) -> None:
    soup = _soup(site, "alpha.html")
    title = soup.find("meta", property="og:title")
    description = soup.find("meta", property="og:description")
    assert title is not None
    assert title["content"] == "Alpha page"
    assert description is not None
    assert str(description["content"]).startswith("Alpha introduces the fixture site")
    assert not (site.html / "_images" / "social_previews").exists()


@pytest.mark.parametrize("page", ["alpha.html", "auto_examples/index.html"])
def test_favicon_and_logo(site: SiteBuild, page: str) -> None:
    soup = _soup(site, page)
    page_url = urljoin(BASE_URL, page)
    icon = soup.find("link", rel="icon")
    assert icon is not None
    assert str(icon["href"]).endswith(".svg")
    logos = soup.select("img.logo__image")
    assert {mode for logo in logos for mode in logo["class"]} >= {
        "only-light",
        "only-dark",
    }
    assert {logo["alt"] for logo in logos} == {"tfdocs - Home"}
    urls = [str(icon["href"]), *(str(logo["src"]) for logo in logos)]
    assert _unresolved(site, urls, page_url) == []


@pytest.mark.parametrize(
    ("page", "previous", "following"),
    [
        ("index.html", None, "alpha.html"),
        ("alpha.html", "index.html", "beta.html"),
        ("beta.html", "alpha.html", "auto_examples/index.html"),
    ],
)
def test_previous_and_next_links(
    site: SiteBuild, page: str, previous: str | None, following: str
) -> None:
    footer = _soup(site, page).select_one(".prev-next-footer")
    assert footer is not None
    links = {
        link["class"][0]: urljoin(page, str(link["href"]))
        for link in footer.select("a.left-prev, a.right-next")
    }
    assert links.get("left-prev") == previous
    assert links["right-next"] == following
