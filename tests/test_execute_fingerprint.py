"""The environment fingerprint (docs/_ext/tfdocs_fingerprint.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import SimpleNamespace

import pytest

import tfdocs_fingerprint
from tfdocs_fingerprint import environment_fingerprint, partition_notebook_cache


def test_fingerprint_is_stable() -> None:
    assert environment_fingerprint() == environment_fingerprint()
    assert len(environment_fingerprint()) == 16


def test_fingerprint_follows_helper_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "tfdocs_helpers"
    package.mkdir()
    module = package / "__init__.py"
    module.write_text("x = 1\n", encoding="utf-8")
    spec = SimpleNamespace(submodule_search_locations=[str(package)])
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: spec)
    before = environment_fingerprint()
    module.write_text("x = 2\n", encoding="utf-8")
    assert environment_fingerprint() != before


def test_missing_helpers_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(RuntimeError, match="tfdocs_helpers"):
        environment_fingerprint()


def test_cache_is_partitioned_by_fingerprint(tmp_path: Path) -> None:
    app = SimpleNamespace(outdir=str(tmp_path / "_build" / "html"))
    config = SimpleNamespace(nb_execution_cache_path="")
    partition_notebook_cache(app, config)  # type: ignore[arg-type]
    expected = tmp_path / "_build" / ".jupyter_cache" / environment_fingerprint()
    assert config.nb_execution_cache_path == str(expected)
    assert tfdocs_fingerprint.MARKER.startswith(".")
