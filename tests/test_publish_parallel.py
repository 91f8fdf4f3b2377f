"""The HTML written in several processes: the same site, every page in the sitemap, no stray writer."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from types import SimpleNamespace
from xml.etree import ElementTree

import pytest

from sitebuild import SITES, SiteBuild, build_site
from tfdocs_sphinx.publish.parallel import tie_forks, write_in_parallel, write_processes

BASE_URL = "https://example.org/tfdocs/"
PAGES = ["alpha.html", "auto_examples/index.html", "beta.html", "index.html"]


def test_write_processes_default_and_setting() -> None:
    assert write_processes(0, cores=2) == 3
    assert write_processes(0, cores=1) == 1
    assert write_processes(4, cores=2) == 4
    assert write_processes(1, cores=64) == 1


@pytest.mark.parametrize("bad", ["3", 2.0, True, None])
def test_write_processes_rejects_what_is_not_an_int(bad: object) -> None:
    with pytest.raises(TypeError, match="tfdocs_write_processes"):
        write_processes(bad, cores=2)  # type: ignore[arg-type]


def test_write_processes_rejects_a_negative_count() -> None:
    with pytest.raises(ValueError, match="tfdocs_write_processes"):
        write_processes(-2, cores=2)


# A process that forks a child (as Sphinx forks its writers), says the child's
# pid, and waits to be killed; with "tie", its forks are tied to it first.
FORKER = textwrap.dedent(
    """
    import multiprocessing, os, sys, time
    from tfdocs_sphinx.publish.parallel import tie_forks
    if sys.argv[1] == "tie":
        tie_forks(os.getpid())
    child = multiprocessing.get_context("fork").Process(target=time.sleep, args=(60,))
    child.start()
    print(child.pid, flush=True)
    time.sleep(60)
    """
)


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG")
@pytest.mark.parametrize(("how", "outlives"), [("tie", False), ("plain", True)])
def test_a_forked_writer_dies_with_a_killed_sphinx(how: str, outlives: bool) -> None:
    # "plain" shows the test can fail: an untied fork outlives its killed parent.
    with subprocess.Popen(
        [sys.executable, "-c", FORKER, how], stdout=subprocess.PIPE, text=True
    ) as forker:
        assert forker.stdout is not None
        child = int(forker.stdout.readline())
        assert _alive(child)
        forker.kill()
    try:
        deadline = time.monotonic() + 3
        while _alive(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _alive(child) is outlives
    finally:
        if _alive(child):
            os.kill(child, signal.SIGKILL)


def _sitemap(site: SiteBuild) -> list[str]:
    tree = ElementTree.parse(site.html / "sitemap.xml")
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    return [str(loc.text) for loc in tree.getroot().iterfind("s:url/s:loc", namespace)]


def _build(root: Path, processes: int) -> SiteBuild:
    pages = sorted((SITES / "publish").glob("*.md"))
    env = {"TFDOCS_BASE_URL": BASE_URL.rstrip("/")}
    options = ("-D", f"tfdocs_write_processes={processes}")
    site = build_site(root, *pages, env=env, options=options)
    assert site.returncode == 0, site.output
    return site


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[SiteBuild, SiteBuild]:
    """The publish fixture site written in one process, and in three."""
    return (
        _build(tmp_path_factory.mktemp("serial"), 1),
        _build(tmp_path_factory.mktemp("parallel"), 3),
    )


def _files(html: Path) -> dict[str, bytes]:
    return {
        path.relative_to(html).as_posix(): path.read_bytes()
        for path in sorted(html.rglob("*"))
        if path.is_file()
    }


@pytest.mark.slow
def test_writing_in_three_processes_gives_the_same_site(
    builds: tuple[SiteBuild, SiteBuild],
) -> None:
    serial, parallel = builds
    # Sphinx writes the first page itself and the rest in chunks, by process.
    assert "writing output... [ 25%] alpha" in serial.output
    assert "writing output... [ 25%] alpha" not in parallel.output, parallel.output
    assert "writing output... [ 33%] auto_examples/index" in parallel.output
    one, three = _files(serial.html), _files(parallel.html)
    assert sorted(one) == sorted(three)
    assert [name for name in one if one[name] != three[name]] == []


@pytest.mark.slow
def test_the_sitemap_lists_every_page_written_by_every_process(
    builds: tuple[SiteBuild, SiteBuild],
) -> None:
    for site in builds:
        assert _sitemap(site) == [BASE_URL + page for page in PAGES]


@pytest.mark.slow
def test_the_sitemap_of_a_build_that_wrote_one_page_lists_every_page(
    tmp_path: Path,
) -> None:
    first = _build(tmp_path, 3)
    alpha = (first.html / "alpha.html").stat().st_mtime_ns
    beta = first.root / "docs" / "beta.md"
    beta.write_text(beta.read_text(encoding="utf-8") + "\nOne more sentence.\n")
    again = _build(tmp_path, 3)
    assert "0 added, 1 changed, 0 removed" in again.output
    assert (again.html / "alpha.html").stat().st_mtime_ns == alpha  # not written again
    assert _sitemap(again) == [BASE_URL + page for page in PAGES]


def _app(**extensions: bool) -> SimpleNamespace:
    return SimpleNamespace(
        builder=SimpleNamespace(format="html"),
        parallel=0,
        config=SimpleNamespace(tfdocs_write_processes=3),
        extensions={
            name: SimpleNamespace(parallel_write_safe=safe)
            for name, safe in extensions.items()
        },
    )


def test_the_pages_are_written_by_the_processes_asked_for() -> None:
    app = _app(tfdocs_sphinx=True, sphinx_sitemap=True)
    try:
        write_in_parallel(app, None)  # type: ignore[arg-type]
    finally:
        tie_forks(None)
    assert app.parallel == 3


def test_an_extension_unsafe_for_parallel_writing_keeps_one_process(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = _app(tfdocs_sphinx=True, legacy_ext=False)
    with caplog.at_level(logging.INFO):
        write_in_parallel(app, None)  # type: ignore[arg-type]
    assert app.parallel == 0
    assert "not safe for parallel writing: legacy_ext" in caplog.text


def test_sphinx_own_parallelism_is_left_alone() -> None:
    app = _app(tfdocs_sphinx=True)
    app.parallel = 2  # sphinx-build -j 2
    write_in_parallel(app, None)  # type: ignore[arg-type]
    assert app.parallel == 2
