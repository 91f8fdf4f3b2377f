"""Outputs are reused exactly as long as nothing they depend on has changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import tfdocs_helpers
from sitebuild import SITES, SiteBuild, build_site

pytestmark = pytest.mark.slow

PAGES = sorted((SITES / "clean").glob("*/*.*"))
PAGE_EXECUTED = "tfdocs: executed "  # docs/_ext/tfdocs_executor.py
MYST_NB_EXECUTED = "Executing notebook using"
GALLERY_EXECUTED = "successfully executed 1 out of 1 file"


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, SiteBuild]:
    """Build once, again unchanged, then again after a helper function changed."""
    root = tmp_path_factory.mktemp("cache")
    first = build_site(root, *PAGES)
    unchanged = build_site(root)
    shadow = tmp_path_factory.mktemp("shadow")
    package = Path(tfdocs_helpers.__file__).parent
    shutil.copytree(package, shadow / "tfdocs_helpers")
    history = shadow / "tfdocs_helpers" / "history.py"
    history.write_text(
        history.read_text(encoding="utf-8") + "\n\ndef _edited() -> None: ...\n",
        encoding="utf-8",
    )
    edited = build_site(root, env={"PYTHONPATH": str(shadow)})
    return {"first": first, "unchanged": unchanged, "edited": edited}


def test_all_builds_succeed(builds: dict[str, SiteBuild]) -> None:
    for build in builds.values():
        assert build.returncode == 0, build.output


def test_first_build_executes_everything(builds: dict[str, SiteBuild]) -> None:
    assert PAGE_EXECUTED in builds["first"].output
    assert GALLERY_EXECUTED in builds["first"].output


def test_myst_nb_reuses_the_pages_executed_in_parallel(
    builds: dict[str, SiteBuild],
) -> None:
    for build in builds.values():
        assert MYST_NB_EXECUTED not in build.output


def test_unchanged_tree_executes_nothing(builds: dict[str, SiteBuild]) -> None:
    assert PAGE_EXECUTED not in builds["unchanged"].output
    assert GALLERY_EXECUTED not in builds["unchanged"].output


def test_editing_a_helper_executes_pages_and_examples(
    builds: dict[str, SiteBuild],
) -> None:
    assert PAGE_EXECUTED in builds["edited"].output
    assert GALLERY_EXECUTED in builds["edited"].output
