"""Fixtures shared by the tests: fixture sites built once per module."""

from __future__ import annotations

import pytest

from sitebuild import SITES, SiteBuild, build_site

# Fixture sites are built by Sphinx, not collected by pytest.
collect_ignore = ["sites"]


@pytest.fixture(scope="module")
def clean_site(tmp_path_factory: pytest.TempPathFactory) -> SiteBuild:
    """The base site plus a noisy page and a noisy gallery example, built once."""
    pages = sorted((SITES / "clean").glob("*/*.*"))
    return build_site(tmp_path_factory.mktemp("clean"), *pages)


@pytest.fixture(scope="module")
def notebook_site(tmp_path_factory: pytest.TempPathFactory) -> SiteBuild:
    """The base site plus a notebook page with a plot and a gallery figure, built once."""
    pages = sorted((SITES / "browser").glob("*/*.*"))
    return build_site(tmp_path_factory.mktemp("notebook"), *pages)
