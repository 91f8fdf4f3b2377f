"""Fixtures of the browser tests: the built site on 127.0.0.1 in Debian's Chromium.

``nox -s browser`` runs these tests against ``_build/html`` (``--site`` picks
another folder). Every page is opened once in a fresh browser context; what it
logged, requested and rendered is kept (``visit``) and many small tests assert on
it, so a failure names the page and the problem.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import shutil
import subprocess
import tarfile
import threading
from collections.abc import Callable, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright
from visits import Visit, open_page, record_visit

ROOT = Path(__file__).parents[2]
CHROMIUM = Path("/usr/bin/chromium")
# Pinned axe-core from the npm registry, checked against the registry's integrity.
AXE_VERSION = "4.14.1"
AXE_INTEGRITY = "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
CACHE = ROOT / "_build" / "browser"
SCREENSHOTS = ROOT / "_build" / "screenshots"
# Generated pages where the per-page content checks mean nothing; 404.html only
# resolves its assets when served under the site's base path.
NOT_CONTENT = {"genindex.html", "search.html"}
NOT_SERVED_AT_ROOT = {"404.html"}
TIMEOUT_MS = 30_000


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--site",
        default=str(ROOT / "_build" / "html"),
        help="the built site to test (default: _build/html)",
    )


def _site(config: pytest.Config) -> Path:
    site = Path(config.getoption("--site")).resolve()
    if not (site / "index.html").is_file():
        msg = f"no built site in {site} (no index.html): run `nox -s docs` first"
        raise pytest.UsageError(msg)
    return site


def site_pages(site: Path) -> list[str]:
    """Every page of the site, as paths relative to its root."""
    skip = {"_static", "_sources", "_downloads", "_images"}
    return sorted(
        path.relative_to(site).as_posix()
        for path in site.rglob("*.html")
        if not skip & set(path.relative_to(site).parts)
        and path.name not in NOT_SERVED_AT_ROOT
    )


def pytest_configure(config: pytest.Config) -> None:
    """Stop at once, with the way out, when there is no built site to test."""
    _site(config)


def _marked(site: Path, pages: list[str], marker: str) -> list[str]:
    return [p for p in pages if marker in (site / p).read_text(encoding="utf-8")]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize by page: ``page`` (all), ``content_page``, ``notebook_page``,
    ``example_page``."""
    site = _site(metafunc.config)
    pages = site_pages(site)
    content = [p for p in pages if p not in NOT_CONTENT]
    choices = {
        "page": pages,
        "content_page": content,
        # myst-nb pages with code cells; gallery examples with their downloads
        "notebook_page": _marked(site, content, 'class="cell docutils container"'),
        "example_page": _marked(site, content, "sphx-glr-download-python"),
    }
    for name, values in choices.items():
        if name in metafunc.fixturenames:
            metafunc.parametrize(name, values)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A hung page fails its own test, after a generous time."""
    for item in items:
        item.add_marker(pytest.mark.timeout(120))


@pytest.fixture(scope="session")
def site(pytestconfig: pytest.Config) -> Path:
    """The folder of the built site."""
    return _site(pytestconfig)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def base_url(site: Path) -> Iterator[str]:
    """The URL of the site served by a stdlib server on a free port of 127.0.0.1."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def _sri_sha512(path: Path) -> str:
    digest = hashlib.sha512(path.read_bytes()).digest()
    return "sha512-" + base64.b64encode(digest).decode("ascii")


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's script: the pinned npm tarball, verified, cached in _build/."""
    tarball = CACHE / f"axe-core-{AXE_VERSION}.tgz"
    if not tarball.is_file():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm is needed to fetch axe-core: apt-get install -y npm")
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [npm, "pack", f"axe-core@{AXE_VERSION}", "--pack-destination", str(CACHE)],
            check=True,
            capture_output=True,
            timeout=300,
        )
    integrity = _sri_sha512(tarball)
    if integrity != AXE_INTEGRITY:
        tarball.unlink()
        pytest.fail(f"{tarball.name}: integrity {integrity} is not the pinned one")
    with tarfile.open(tarball) as archive:
        member = archive.extractfile("package/axe.min.js")
        assert member is not None, f"{tarball.name} has no package/axe.min.js"
        return member.read().decode("utf-8")


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    """The Playwright driver."""
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless; Playwright never downloads a browser here."""
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        args=["--disable-background-networking", "--disable-component-update"],
        timeout=TIMEOUT_MS,
    )
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def visit(browser: Browser, base_url: str, axe_source: str) -> Callable[[str], Visit]:
    """Open a page once in a fresh context; return what was recorded (cached)."""

    @functools.cache
    def visit(page: str) -> Visit:
        with open_page(browser, base_url, page, timeout=TIMEOUT_MS) as (tab, log):
            return record_visit(tab, log, axe_source=axe_source)

    return visit


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """The folder of the screenshots (light, dark, phone) kept for people to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
