"""What readers and search engines get from tfdocs_sphinx.publish on a fixture site.

The site is a git repository with one commit at a fixed date, built once with
a repository URL: the API reference made by autodoc without importing
TensorFlow, intersphinx links from the local inventories, page descriptions,
"Last updated" dates and sitemap ``lastmod`` from git, robots.txt, the
versions banner and switcher, and the repository buttons.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup

from sitebuild import ROOT, SITES, SiteBuild, build_site
from tfdocs_sphinx.locations import runs_path, sphinx_build_args
from tfdocs_sphinx.runs import read_record

pytestmark = pytest.mark.slow

BASE_URL = "https://example.org/tfdocs/"
REPO_URL = "https://github.com/example/tfdocs"
COMMIT_DATE = "2026-01-02T03:04:05+00:00"
FEATURES = SITES / "features"


def _fixture_repo(root: Path, *pages: str) -> Path:
    """The base site, the gallery header without examples, and ``pages``, committed."""
    shutil.copytree(SITES / "base", root, dirs_exist_ok=True)
    shutil.copy(FEATURES / "README.rst", root / "examples" / "README.rst")
    for page in pages:
        shutil.copy(FEATURES / page, root / "docs" / page)
    env = {**os.environ, "GIT_AUTHOR_DATE": COMMIT_DATE, "GIT_COMMITTER_DATE": COMMIT_DATE}  # fmt: skip
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q", str(root)], check=True, env=env)
    subprocess.run([*git, "-C", str(root), "add", "-A"], check=True, env=env)
    subprocess.run([*git, "-C", str(root), "commit", "-qm", "fixture"], check=True, env=env)  # fmt: skip
    return root


# Runs sphinx-build as tests/sitebuild.py does, and records whether the Sphinx
# process itself imported TensorFlow or Keras by the end of the build.
_RECORDING_BUILD = """
import json, sys
from sphinx.cmd.build import main
status = main(sys.argv[2:])
heavy = sorted(name for name in ("tensorflow", "keras") if name in sys.modules)
open(sys.argv[1], "w").write(json.dumps(heavy))
sys.exit(status)
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> SiteBuild:
    root = _fixture_repo(
        tmp_path_factory.mktemp("features"), "described.md", "plain.md", "reference.rst"
    )
    env = {**os.environ, "TFDOCS_BASE_URL": BASE_URL, "TFDOCS_REPO_URL": REPO_URL}
    doctrees = root / "_build" / "doctrees"
    args = sphinx_build_args(
        confdir=ROOT,
        srcdir=root / "docs",
        outdir=root / "_build" / "html",
        doctreedir=doctrees,
    )
    command = [sys.executable, "-c", _RECORDING_BUILD, str(root / "heavy.json"), *args]
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=600, check=False, env=env
    )
    record = read_record(doctrees) if runs_path(doctrees).is_file() else None
    return SiteBuild(root, result.returncode, result.stdout + result.stderr, record)


def _soup(site: SiteBuild, page: str) -> BeautifulSoup:
    return BeautifulSoup((site.html / page).read_text(encoding="utf-8"), "html.parser")


def _meta(soup: BeautifulSoup, **attrs: str) -> str | None:
    tag = soup.find("meta", attrs=attrs)
    return None if tag is None else str(tag["content"])


def test_build_succeeds(site: SiteBuild) -> None:
    assert site.returncode == 0, site.output[-5000:]


def test_the_build_imports_no_tensorflow(site: SiteBuild) -> None:
    """The reference documents a class built from Keras without importing it."""
    assert json.loads((site.root / "heavy.json").read_text()) == []


def test_a_lazily_built_class_is_documented_from_its_docstring(site: SiteBuild) -> None:
    soup = _soup(site, "reference.html")
    signature = soup.select_one(
        "dl.py.class > dt#tfdocs_helpers\\.callbacks\\.EpochLogger"
    )
    assert signature is not None
    assert "every=1" in signature.text
    assert "print_fn=print" in signature.text  # defaults as written in the source
    body = signature.find_next_sibling("dd")
    assert body is not None
    assert "one short, deterministic line of metrics per epoch" in body.text
    assert soup.select_one("dt#tfdocs_helpers\\.callbacks\\.EpochLogger\\.on_epoch_end")
    # The docstring's example is shown, with its prompts and its output.
    example = body.select_one("div.highlight-pycon, div.doctest, div.highlight-default")
    assert example is not None
    assert "epoch 3/3  loss 0.4096" in example.text


def test_names_of_other_projects_link_to_their_documentation(site: SiteBuild) -> None:
    hrefs = {str(a["href"]) for a in _soup(site, "reference.html").select("a.reference.external")}  # fmt: skip
    expected = {
        "https://docs.python.org/3.11/library/functions.html#int",
        "https://numpy.org/doc/stable/reference/generated/numpy.mean.html#numpy.mean",
        "https://matplotlib.org/stable/api/_as_gen/matplotlib.axes.Axes.html#matplotlib.axes.Axes",
        "https://scikit-learn.org/stable/modules/generated/sklearn.datasets.load_digits.html#sklearn.datasets.load_digits",
    }  # fmt: skip
    assert expected <= hrefs


@pytest.mark.parametrize(
    ("page", "description"),
    [
        ("described.html", "The described page of the fixture site, summed up in one sentence."),
        ("reference.html", "A reference page built by autodoc from the docstrings of tfdocs_helpers."),
    ],
)  # fmt: skip
def test_a_page_description_is_its_og_and_meta_description(
    site: SiteBuild, page: str, description: str
) -> None:
    soup = _soup(site, page)
    assert _meta(soup, property="og:description") == description
    assert _meta(soup, name="description") == description
    assert len(soup.find_all("meta", attrs={"name": "description"})) == 1
    assert "summed up" not in soup.select_one("article").text  # not shown on the page


def test_a_page_without_one_keeps_its_first_paragraph(site: SiteBuild) -> None:
    soup = _soup(site, "plain.html")
    description = _meta(soup, property="og:description")
    assert description is not None
    assert description.startswith("A page without a description")


def test_robots_txt_points_at_the_sitemap(site: SiteBuild) -> None:
    text = (site.html / "robots.txt").read_text(encoding="utf-8")
    assert text.splitlines() == ["User-agent: *", "Allow: /", f"Sitemap: {BASE_URL}sitemap.xml"]  # fmt: skip


def test_pages_show_their_last_commit_date(site: SiteBuild) -> None:
    date = _soup(site, "described.html").select_one(".last-updated")
    assert date is not None
    assert " ".join(date.text.split()) == "Last updated on 02 January 2026."


def test_sitemap_gives_the_last_commit_date(site: SiteBuild) -> None:
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ElementTree.parse(site.html / "sitemap.xml").getroot()
    dates = {
        url.findtext("s:loc", namespaces=namespace): url.findtext(
            "s:lastmod", namespaces=namespace
        )
        for url in root.iterfind("s:url", namespace)
    }
    assert dates[f"{BASE_URL}described.html"] == "2026-01-02T03:04:05Z"


def test_every_page_names_the_versions_it_documents(site: SiteBuild) -> None:
    from importlib.metadata import version

    tf, keras = (".".join(version(d).split(".")[:2]) for d in ("tensorflow", "keras"))
    banner = _soup(site, "described.html").select_one(".bd-header-announcement")
    assert banner is not None
    assert f"TensorFlow {tf}" in banner.text
    assert f"Keras {keras}" in banner.text


def test_the_switcher_json_lists_this_edition(site: SiteBuild) -> None:
    entries = json.loads((site.html / "_static" / "switcher.json").read_text())
    assert [entry["url"] for entry in entries] == [BASE_URL]
    assert entries[0]["preferred"] is True
    assert {"name", "version", "url"} <= set(entries[0])
    assert _soup(site, "described.html").select_one(".version-switcher__container")


def _buttons(site: SiteBuild, page: str) -> dict[str, str]:
    soup = _soup(site, page)
    labels = ("source-file-button", "source-edit-button", "source-issues-button", "source-repository-button")  # fmt: skip
    found = {}
    for label in labels:
        link = soup.select_one(f"a.btn-{label}, a[class*='{label}']")
        if link is not None:
            found[label] = str(link["href"])
    return found


def test_repository_buttons_point_at_the_page_source(site: SiteBuild) -> None:
    buttons = _buttons(site, "described.html")
    assert buttons == {
        "source-file-button": f"{REPO_URL}/blob/main/docs/described.md?plain=1",
        "source-edit-button": f"{REPO_URL}/edit/main/docs/described.md",
        "source-issues-button": buttons["source-issues-button"],
        "source-repository-button": REPO_URL,
    }
    assert buttons["source-issues-button"].startswith(f"{REPO_URL}/issues/new")


def test_gallery_pages_point_at_the_examples_folder(site: SiteBuild) -> None:
    buttons = _buttons(site, "auto_examples/index.html")
    assert buttons["source-file-button"] == f"{REPO_URL}/blob/main/examples/README.rst?plain=1"  # fmt: skip
    assert buttons["source-edit-button"] == f"{REPO_URL}/edit/main/examples/README.rst"


def test_shared_or_missing_descriptions_fail_the_strict_build(
    tmp_path: Path,
) -> None:
    root = _fixture_repo(tmp_path, "described.md", "duplicate.md", "plain.md")
    build = build_site(root, options=("-D", "tfdocs_require_description=1"))
    assert build.returncode != 0
    assert "described.md: WARNING: the same description as duplicate" in build.output
    assert "plain.md: WARNING: the page has no description" in build.output


def test_a_second_build_from_nothing_is_identical(
    site: SiteBuild, tmp_path: Path
) -> None:
    """Dates from git, the switcher and the reference: the same bytes every build."""
    root = _fixture_repo(tmp_path, "described.md", "plain.md", "reference.rst")
    again = build_site(root, env={"TFDOCS_BASE_URL": BASE_URL, "TFDOCS_REPO_URL": REPO_URL})  # fmt: skip
    assert again.returncode == 0, again.output[-3000:]
    for name in ("described.html", "reference.html", "robots.txt", "sitemap.xml", "_static/switcher.json"):  # fmt: skip
        assert (again.html / name).read_bytes() == (site.html / name).read_bytes(), name
