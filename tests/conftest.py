"""Fixtures shared by the tests: fixture sites built once per module."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import suitegroups
from sitebuild import SITES, SiteBuild, build_site
from tfdocs_sphinx.execute import zygote
from tfdocs_sphinx.locations import KERNELS

# Fixture sites are built by Sphinx, not collected by pytest.
collect_ignore = ["sites"]


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--test-group I/N`` and ``--store-test-times`` (:mod:`suitegroups`)."""
    suitegroups.add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    """Builds print plain text: tests match it, and colour codes split the names.

    Sphinx colours its output where ``FORCE_COLOR`` is set (as CI runners do);
    ``NO_COLOR`` wins over it.
    """
    os.environ["NO_COLOR"] = "1"
    suitegroups.configure(config)


def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Keep only the group ``--test-group`` names, if it names one."""
    suitegroups.select_group(config, items)


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


@pytest.fixture
def zygote_pid(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """A zygote that preloads only ipykernel (TensorFlow would cost seconds)."""
    path = tmp_path / "zygote.sock"
    server = subprocess.Popen(
        [sys.executable, "-m", zygote.__name__, "serve", str(path)]
    )
    monkeypatch.setenv(zygote.ENV_VAR, str(path))
    monkeypatch.setenv("JUPYTER_PATH", str(KERNELS))
    yield server.pid
    server.terminate()
    server.wait(timeout=10)
