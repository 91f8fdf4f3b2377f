"""Executing only some pages (tfdocs_sphinx.execute.only)."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from tfdocs_sphinx.execute.only import restrict_execution


def _config(only: str = "") -> SimpleNamespace:
    return SimpleNamespace(
        tfdocs_only=only,
        nb_execution_excludepatterns=["drafts/*"],
        sphinx_gallery_conf={
            "filename_pattern": "/plot_",
            "gallery_dirs": "auto_examples",
        },
    )


@pytest.fixture
def app(tmp_path: Path) -> SimpleNamespace:
    for page in ("index.md", "tensors.md", "keras/layers.md", "auto_examples/x.md"):
        (tmp_path / page).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / page).write_text("# page\n", encoding="utf-8")
    return SimpleNamespace(srcdir=str(tmp_path))


def test_without_the_setting_nothing_changes(app: SimpleNamespace) -> None:
    config = _config()
    restrict_execution(app, config)  # type: ignore[arg-type]
    assert config == _config()


def test_only_matching_pages_and_examples_execute(app: SimpleNamespace) -> None:
    config = _config("layers")
    restrict_execution(app, config)  # type: ignore[arg-type]
    assert config.nb_execution_excludepatterns == [
        "drafts/*",
        "index.md",
        "tensors.md",
    ]
    pattern = re.compile(config.sphinx_gallery_conf["filename_pattern"])
    assert pattern.search("/x/examples/keras/plot_layers.py")
    assert not pattern.search("/x/examples/keras/plot_tensors.py")
    assert not pattern.search("/x/examples/keras/layers_helper.py")
