"""Measuring the gallery's examples (tfdocs_sphinx.execute.gallery)."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from sphinx.errors import ConfigError

from tfdocs_sphinx import runs
from tfdocs_sphinx.execute import gallery


def _app(srcdir: Path, failing: dict[str, str] | None = None) -> SimpleNamespace:
    conf = {"gallery_dirs": "gallery", "failing_examples": failing or {}}
    return SimpleNamespace(
        srcdir=str(srcdir),
        env=SimpleNamespace(docname=""),
        config=SimpleNamespace(sphinx_gallery_conf=conf),
    )


def _example(srcdir: Path, name: str) -> Path:
    copy = srcdir / "gallery" / "group" / name
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy.write_text("", encoding="utf-8")
    copy.with_suffix(".rst").write_text("", encoding="utf-8")
    return copy


def _collect(app: SimpleNamespace, docname: str) -> runs.Run | None:
    app.env.docname = docname
    runs.RunsCollector().process_doc(app, None)  # type: ignore[arg-type]
    return runs.run_for(app.env, docname)  # type: ignore[arg-type]


def test_each_example_gets_its_time_peak_and_versions(tmp_path: Path) -> None:
    app = _app(tmp_path)
    runs.start_build(app)  # type: ignore[arg-type]
    _example(tmp_path, "plot_x.py")
    gallery.measure_example({}, "plot_x.py", "before")
    _ = bytearray(50 * 1024 * 1024)
    gallery.measure_example({}, "/somewhere/plot_x.py", "after")
    gallery.hand_over(app)  # type: ignore[arg-type]
    run = _collect(app, "gallery/group/plot_x")
    assert run is not None
    assert run.kind == "example"
    assert run.seconds > 0
    assert run.peak_mb >= 50
    assert run.versions["python"] == sys.version.split()[0]
    assert run.build == runs.current_build()
    assert run.error is None


def test_a_failing_example_keeps_sphinx_gallerys_error(tmp_path: Path) -> None:
    error = "Traceback ...\nValueError: no"
    app = _app(tmp_path, {str(tmp_path / "examples" / "plot_bad.py"): error})
    _example(tmp_path, "plot_bad.py")
    gallery.measure_example({}, "plot_bad.py", "before")
    gallery.measure_example({}, "plot_bad.py", "after")
    gallery.hand_over(app)  # type: ignore[arg-type]
    run = _collect(app, "gallery/group/plot_bad")
    assert run is not None
    assert run.error == error


def test_calls_without_a_start_are_ignored(tmp_path: Path) -> None:
    gallery.measure_example({}, None, "before")
    gallery.measure_example({}, "plot_never.py", "after")
    app = _app(tmp_path)
    _example(tmp_path, "plot_never.py")
    gallery.hand_over(app)  # type: ignore[arg-type]
    assert _collect(app, "gallery/group/plot_never") is None


def test_the_hook_is_added_last_and_once() -> None:
    config = SimpleNamespace(sphinx_gallery_conf={"reset_modules": "matplotlib"})
    gallery.add_hook(None, config)  # type: ignore[arg-type]
    gallery.add_hook(None, config)  # type: ignore[arg-type]
    assert config.sphinx_gallery_conf == {
        "reset_modules": ("matplotlib", gallery.HOOK),
        "reset_modules_order": "both",
    }


def test_the_hook_needs_both_calls() -> None:
    config = SimpleNamespace(sphinx_gallery_conf={"reset_modules_order": "before"})
    with pytest.raises(ConfigError, match="'both'"):
        gallery.add_hook(None, config)  # type: ignore[arg-type]
