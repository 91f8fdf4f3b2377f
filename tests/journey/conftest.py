"""Fixtures of the reader's journey: the built site, served, and fresh environments.

``nox -s journey`` runs these tests against ``_build/html`` (``--site`` picks
another folder), as a reader uses the site: nothing of this repository is
imported or put on ``sys.path``. The site is served on 127.0.0.1; every install
command and notebook that names the site's address (``html_baseurl``) is pointed
at that server instead. Each distinct install command the site shows gets one
fresh virtual environment, made with exactly that command (and ``ipykernel``,
the Jupyter a reader runs notebooks in), shared by the test workers.
"""

from __future__ import annotations

import functools
import hashlib
import os
import threading
from collections.abc import Callable, Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from filelock import FileLock
from reader import (
    Environment,
    QuietHandler,
    make_environment,
    offline_prefix,
    site_address,
    site_units,
)

ROOT = Path(__file__).parents[2]


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


def pytest_configure(config: pytest.Config) -> None:
    """Stop at once, with the way out, when there is no built site."""
    _site(config)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize ``script`` and ``notebook`` with the site's units."""
    units = site_units(_site(metafunc.config))
    for kind in ("script", "notebook"):
        if kind in metafunc.fixturenames:
            chosen = [u for u in units if u.kind == kind]
            metafunc.parametrize(kind, chosen, ids=[u.id for u in chosen])


@pytest.fixture(scope="session")
def site(pytestconfig: pytest.Config) -> Path:
    """The built site's folder."""
    return _site(pytestconfig)


@pytest.fixture(scope="session")
def served(site: Path) -> Iterator[str]:
    """The built site on 127.0.0.1 (only), its address ending in ``/``."""
    handler = functools.partial(QuietHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def local(site: Path, served: str) -> Callable[[str], str]:
    """Point a text that names the site's address at the local server."""
    address = site_address(site)

    def point(text: str) -> str:
        return text.replace(address, served)

    return point


@pytest.fixture(scope="session")
def environments(
    tmp_path_factory: pytest.TempPathFactory, local: Callable[[str], str]
) -> Callable[[str], Environment]:
    """Get the environment made with a command (once, for every test worker)."""
    run_folder = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):  # each worker has a folder of its own
        run_folder = run_folder.parent
    shared = run_folder / "journey-environments"
    shared.mkdir(exist_ok=True)

    def get(command: str) -> Environment:
        key = hashlib.sha256(command.encode()).hexdigest()[:12]
        with FileLock(shared / f"{key}.lock"):
            return make_environment(shared / key, command=local(command))

    return get


def pytest_report_header() -> str:
    """Say whether scripts and notebooks ran cut off from the network."""
    if offline_prefix():
        return "journey: units run offline (unshare -rn: loopback only)"
    return "journey: unshare unavailable here; units run with the machine's network"
