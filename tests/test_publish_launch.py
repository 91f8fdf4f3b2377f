"""Executed-notebook downloads and the Colab button (tfdocs_sphinx.publish.launch)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from sitebuild import SITES, SiteBuild, build_site
from tfdocs_sphinx.publish.launch import colab_url

REPO = "https://github.com/me/tfdocs"
COLAB_LINK = (
    'href="https://colab.research.google.com/github/me/tfdocs/blob/{branch}/'
    '_sources/notebook.ipynb"'
)


def _output_types(site: SiteBuild) -> set[str]:
    path = site.html / "_sources" / "notebook.ipynb"
    notebook = json.loads(path.read_text(encoding="utf-8"))
    outputs = [o for c in notebook["cells"] for o in c.get("outputs", [])]
    return {kind for output in outputs for kind in output.get("data", {})}


@pytest.fixture(scope="module")
def repo_site(notebook_site: SiteBuild, tmp_path_factory: pytest.TempPathFactory):
    """The same site rebuilt (from its caches) for a repository and a branch."""
    root = tmp_path_factory.mktemp("repo") / "site"
    shutil.copytree(notebook_site.root, root)
    env = {"TFDOCS_REPO_URL": REPO, "TFDOCS_PAGES_BRANCH": "site"}
    return build_site(root, env=env)


def test_colab_url_opens_the_branch_file() -> None:
    url = colab_url(REPO + ".git", branch="gh-pages", path="_sources/k/a.ipynb")
    assert url == (
        "https://colab.research.google.com/github/me/tfdocs/blob/gh-pages/"
        "_sources/k/a.ipynb"
    )


@pytest.mark.parametrize(
    ("argument", "kwargs"),
    [
        ("repo_url", {"repo_url": "https://gitlab.com/me/tfdocs"}),
        ("repo_url", {"repo_url": "github.com/me/tfdocs"}),
        ("branch", {"branch": ""}),
        ("path", {"path": "_sources/a.md"}),
    ],
)
def test_colab_url_rejects_what_colab_cannot_open(
    argument: str, kwargs: dict[str, str]
) -> None:
    options = {"repo_url": REPO, "branch": "gh-pages", "path": "a.ipynb", **kwargs}
    repo_url = options.pop("repo_url")
    with pytest.raises(ValueError, match=argument):
        colab_url(repo_url, **options)


@pytest.mark.slow
def test_build_succeeds(notebook_site: SiteBuild) -> None:
    assert notebook_site.returncode == 0, notebook_site.output


@pytest.mark.slow
def test_executed_notebook_is_offered_for_download(notebook_site: SiteBuild) -> None:
    html = (notebook_site.html / "notebook.html").read_text(encoding="utf-8")
    assert 'href="_sources/notebook.ipynb"' in html
    assert 'href="_sources/notebook.md"' in html  # and the source
    notebook = json.loads(
        (notebook_site.html / "_sources" / "notebook.ipynb").read_text(encoding="utf-8")
    )
    outputs = [o for c in notebook["cells"] for o in c.get("outputs", [])]
    assert {"image/png", "text/plain"} <= {
        k for o in outputs for k in o.get("data", {})
    }


@pytest.mark.slow
def test_no_launch_button_without_a_repository(notebook_site: SiteBuild) -> None:
    for page in notebook_site.html.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "colab.research.google.com" not in html, page.name
        assert "colab-button" not in html, page.name
        assert "dropdown-launch-buttons" not in html, page.name


@pytest.mark.slow
def test_colab_button_opens_the_executed_notebook(repo_site: SiteBuild) -> None:
    assert repo_site.returncode == 0, repo_site.output
    html = (repo_site.html / "notebook.html").read_text(encoding="utf-8")
    assert COLAB_LINK.format(branch="site") in html


@pytest.mark.slow
def test_notebook_from_the_cache_keeps_its_outputs(repo_site: SiteBuild) -> None:
    """The rebuild took the outputs from the cache: the download still has them."""
    assert "Using cached notebook" in repo_site.output
    assert _output_types(repo_site) >= {"image/png", "text/plain"}


@pytest.mark.slow
def test_colab_button_only_on_notebook_pages(repo_site: SiteBuild) -> None:
    others = ["index.html", "auto_examples/plot_line.html", "genindex.html"]
    for page in others:
        html = (repo_site.html / page).read_text(encoding="utf-8")
        assert "colab.research.google.com" not in html, page


@pytest.mark.slow
def test_a_repository_colab_cannot_open_fails_the_build(tmp_path: Path) -> None:
    build = build_site(tmp_path, env={"TFDOCS_REPO_URL": "https://example.org/me/x"})
    assert build.returncode != 0
    assert "TFDOCS_REPO_URL" in build.output


@pytest.mark.slow
def test_a_page_written_without_its_executed_notebook_fails_the_build(
    tmp_path: Path,
) -> None:
    """As when a CI cache restores the doctrees without myst-nb's output folder."""
    root = tmp_path / "site"
    page = SITES / "shards" / "first.md"
    assert build_site(root, page).returncode == 0
    shutil.rmtree(root / "_build" / "html")  # every page written again, none read
    [executed] = (root / "_build" / "jupyter_execute").glob("first.ipynb")
    executed.unlink()
    again = build_site(root, page)
    assert again.returncode != 0
    assert (
        "first.md: WARNING: no executed notebook to offer for download" in again.output
    )
