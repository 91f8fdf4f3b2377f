"""Run it yourself: served wheel, install boxes, portable notebooks (publish.install)."""

from __future__ import annotations

import importlib.metadata
import json
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from sitebuild import SITES, SiteBuild, build_site

pytestmark = pytest.mark.slow

VERSION = importlib.metadata.version("tfdocs_helpers")
WHEEL = f"tfdocs_helpers-{VERSION}-py3-none-any.whl"
BASE = "http://localhost:8000/"
PINS = (
    f"tensorflow=={importlib.metadata.version('tensorflow')} "
    f"keras=={importlib.metadata.version('keras')}"
)
COMMAND = f"pip install {PINS} {BASE}{WHEEL}"


def _soup(site: SiteBuild, page: str) -> BeautifulSoup:
    return BeautifulSoup((site.html / page).read_text(encoding="utf-8"), "html.parser")


def _box(site: SiteBuild, page: str) -> str:
    boxes = _soup(site, page).select(".tfdocs-install")
    assert len(boxes) == 1, page
    return boxes[0].select_one("pre").get_text()


def _download(site: SiteBuild, name: str) -> Path:
    (path,) = site.html.glob(f"_downloads/*/{name}")
    return path


def test_build_succeeds(notebook_site: SiteBuild) -> None:
    assert notebook_site.returncode == 0, notebook_site.output


def test_the_site_serves_the_helpers_wheel(notebook_site: SiteBuild) -> None:
    with zipfile.ZipFile(notebook_site.html / WHEEL) as wheel:
        names = wheel.namelist()
        metadata = wheel.read(f"tfdocs_helpers-{VERSION}.dist-info/METADATA").decode()
    assert "tfdocs_helpers/tensors.py" in names
    assert "tfdocs_helpers/py.typed" in names
    assert f"Version: {VERSION}" in metadata
    assert "Requires-Dist: tensorflow<2.22,>=2.21" in metadata
    assert "sphinx" not in metadata.lower()  # the site's build stays out of it
    assert f"Project-URL: Documentation, {BASE}" in metadata


def test_a_notebook_page_shows_the_command(notebook_site: SiteBuild) -> None:
    assert _box(notebook_site, "notebook.html") == f"{COMMAND}\n"


def test_a_gallery_example_shows_the_command(notebook_site: SiteBuild) -> None:
    command = _box(notebook_site, "auto_examples/plot_line.html")
    # The fixture example imports matplotlib and numpy only.
    assert command == "pip install matplotlib\n"


def test_pages_without_code_have_no_box(notebook_site: SiteBuild) -> None:
    html = (notebook_site.html / "index.html").read_text(encoding="utf-8")
    assert "tfdocs-install" not in html


def test_the_executed_notebook_is_portable(notebook_site: SiteBuild) -> None:
    path = notebook_site.html / "_sources" / "notebook.ipynb"
    notebook = json.loads(path.read_text(encoding="utf-8"))
    assert notebook["metadata"]["kernelspec"] == {
        "name": "python3", "display_name": "Python 3", "language": "python"
    }  # fmt: skip
    first = notebook["cells"][0]
    assert first["metadata"]["tags"] == ["tfdocs-install"]
    assert f"{BASE}{WHEEL}" in "".join(first["source"])
    assert not first.get("outputs")
    # The page's own cells follow, with their outputs.
    assert any(c.get("outputs") for c in notebook["cells"][1:])


def test_the_page_never_shows_the_install_cell(notebook_site: SiteBuild) -> None:
    html = (notebook_site.html / "notebook.html").read_text(encoding="utf-8")
    assert "importlib.metadata.PackageNotFoundError" not in html


def test_gallery_notebooks_and_zips_are_portable(notebook_site: SiteBuild) -> None:
    notebook = json.loads(
        _download(notebook_site, "plot_line.ipynb").read_text(encoding="utf-8")
    )
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"
    assert "'matplotlib'" in "".join(notebook["cells"][0]["source"])
    with zipfile.ZipFile(_download(notebook_site, "plot_line.zip")) as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        zipped = json.loads(archive.read("plot_line.ipynb"))
    assert zipped == notebook


def test_the_gallery_landing_page_says_what_to_install(
    notebook_site: SiteBuild,
) -> None:
    text = _soup(notebook_site, "auto_examples/index.html").get_text()
    assert "pip install matplotlib\n" in text


def test_an_import_nothing_provides_fails_the_build_naming_the_page(
    tmp_path: Path,
) -> None:
    build = build_site(tmp_path, SITES / "install" / "unknown_import.md")
    assert build.returncode != 0
    assert "unknown_import" in build.output
    assert "'no_such_module_anywhere'" in build.output
