"""The environment fingerprint (tfdocs_sphinx.execute.fingerprint).

Each input is changed on its own and must change the fingerprint; the site-level
proof, pages and examples executed again, is in test_build_cache.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from tfdocs_sphinx.execute import fingerprint
from tfdocs_sphinx.execute.fingerprint import Fingerprint, environment_fingerprint
from tfdocs_sphinx.locations import BUILD_ENVIRONMENT, KERNELS


@pytest.fixture
def kernels(tmp_path: Path) -> Path:
    """A copy of the build's kernelspecs."""
    folder = tmp_path / "kernels"
    spec = KERNELS / "kernels" / "tfdocs" / "kernel.json"
    (folder / "tfdocs").mkdir(parents=True)
    (folder / "tfdocs" / "kernel.json").write_text(spec.read_text("utf-8"), "utf-8")
    return folder


@pytest.fixture
def helpers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A helper package ``fake_helpers`` on sys.path."""
    package = tmp_path / "src" / "fake_helpers"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("x = 1\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path / "src"))
    return package


def _fingerprint(kernels: Path, **changes: object) -> str:
    options: dict[str, object] = {
        "versions": ["numpy"],
        "sources": ["fake_helpers"],
        "environment": dict(BUILD_ENVIRONMENT),
        "kernels": kernels,
        "preload": ["numpy"],
    }
    options.update(changes)
    return environment_fingerprint(**options)  # type: ignore[arg-type]


def test_fingerprint_is_stable(kernels: Path, helpers: Path) -> None:
    assert _fingerprint(kernels) == _fingerprint(kernels)
    assert len(_fingerprint(kernels)) == 16


def test_fingerprint_follows_helper_source(kernels: Path, helpers: Path) -> None:
    before = _fingerprint(kernels)
    (helpers / "__init__.py").write_text("x = 2\n", encoding="utf-8")
    assert _fingerprint(kernels) != before


@pytest.mark.parametrize("name", sorted(BUILD_ENVIRONMENT))
def test_fingerprint_follows_the_build_environment(
    kernels: Path, helpers: Path, name: str
) -> None:
    changed = {**BUILD_ENVIRONMENT, name: BUILD_ENVIRONMENT[name] + "1"}
    assert _fingerprint(kernels, environment=changed) != _fingerprint(kernels)


def test_fingerprint_reads_the_environment_in_force(
    kernels: Path, helpers: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in BUILD_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    assert _fingerprint(kernels, environment=None) == _fingerprint(kernels)
    monkeypatch.setenv("TF_ENABLE_ONEDNN_OPTS", "1")
    assert _fingerprint(kernels, environment=None) != _fingerprint(kernels)


@pytest.mark.parametrize(
    "change",
    [
        lambda spec: spec["argv"].append("--IPKernelApp.extensions=x"),
        lambda spec: spec.setdefault("env", {}).update(TF_NUM_INTEROP_THREADS="1"),
    ],
    ids=["argv", "env"],
)
def test_fingerprint_follows_the_kernelspec(
    kernels: Path, helpers: Path, change: object
) -> None:
    before = _fingerprint(kernels)
    path = kernels / "tfdocs" / "kernel.json"
    spec = json.loads(path.read_text(encoding="utf-8"))
    change(spec)  # type: ignore[operator]
    path.write_text(json.dumps(spec), encoding="utf-8")
    assert _fingerprint(kernels) != before


def test_fingerprint_follows_versions_and_preload(kernels: Path, helpers: Path) -> None:
    base = _fingerprint(kernels)
    assert _fingerprint(kernels, versions=["numpy", "packaging"]) != base
    assert _fingerprint(kernels, preload=["numpy", "json"]) != base


def test_missing_package_is_an_error(kernels: Path) -> None:
    with pytest.raises(RuntimeError, match="no_such_package"):
        _fingerprint(kernels, sources=["no_such_package"])


def test_cache_is_partitioned_by_fingerprint(tmp_path: Path) -> None:
    app = SimpleNamespace(outdir=str(tmp_path / "_build" / "html"))
    config = SimpleNamespace(
        nb_execution_cache_path="",
        tfdocs_fingerprint_versions=["numpy"],
        tfdocs_fingerprint_sources=[],
        tfdocs_preload=[],
    )
    value = Fingerprint()
    value.partition_notebook_cache(app, config)  # type: ignore[arg-type]
    expected = tmp_path / "_build" / ".jupyter_cache" / value.value
    assert config.nb_execution_cache_path == str(expected)
    assert value.value == fingerprint.site_fingerprint(config)  # type: ignore[arg-type]


def test_stale_gallery_records_are_dropped(tmp_path: Path) -> None:
    gallery = tmp_path / "auto_examples"
    gallery.mkdir()
    (gallery / "plot_a.py.md5").write_text("x", encoding="utf-8")
    app = SimpleNamespace(
        srcdir=str(tmp_path),
        config=SimpleNamespace(sphinx_gallery_conf={"gallery_dirs": "auto_examples"}),
    )
    value = Fingerprint()
    value.value = "new"
    (gallery / fingerprint.MARKER).write_text("new", encoding="utf-8")
    value.invalidate_stale_gallery(app)  # type: ignore[arg-type]
    assert (gallery / "plot_a.py.md5").exists()  # same fingerprint: kept
    value.value = "newer"
    value.invalidate_stale_gallery(app)  # type: ignore[arg-type]
    assert not (gallery / "plot_a.py.md5").exists()
    value.record_gallery_fingerprint(app, None)  # type: ignore[arg-type]
    assert (gallery / fingerprint.MARKER).read_text(encoding="utf-8") == "newer"
