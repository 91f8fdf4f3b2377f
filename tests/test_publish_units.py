"""The site-feature handlers of tfdocs_sphinx.publish, called directly.

tests/test_publish_features.py builds a fixture site with all of them; these
tests call each handler with the few attributes it reads, so that every branch
runs in the test process (and is measured).
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from tfdocs_sphinx.publish import apiref, discovery, sourcelinks, versions

DOCUMENTS = {"TensorFlow": "2.21.0", "Keras": "3.15.1"}


def _app(tmp_path: Path, **config: Any) -> Any:
    return SimpleNamespace(
        config=SimpleNamespace(**config),
        outdir=str(tmp_path),
        srcdir=str(tmp_path / "docs"),
        builder=SimpleNamespace(format="html"),
    )


# -- discovery --------------------------------------------------------------------


def test_describe_page_sets_og_and_meta_description() -> None:
    context: dict[str, Any] = {"meta": {"description": "One & only."}, "metatags": ""}
    discovery.describe_page(None, "p", "page.html", context, None)  # type: ignore[arg-type]
    assert context["meta"]["og:description"] == "One & only."
    assert context["metatags"].strip() == '<meta name="description" content="One &amp; only." />'  # fmt: skip


def test_describe_page_leaves_a_page_without_description() -> None:
    context: dict[str, Any] = {"meta": None, "metatags": "x"}
    discovery.describe_page(None, "p", "page.html", context, None)  # type: ignore[arg-type]
    assert context == {"meta": None, "metatags": "x"}


def _env(metadata: dict[str, dict[str, str]]) -> Any:
    return SimpleNamespace(found_docs=set(metadata), metadata=metadata)


@pytest.mark.parametrize("required", [False, True])
def test_check_descriptions(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, required: bool
) -> None:
    app = _app(
        tmp_path,
        tfdocs_description_exempt=["auto_examples/**"],
        tfdocs_require_description=required,
    )
    env = _env(
        {
            "a": {"description": "Same."},
            "b": {"description": "Same."},
            "c": {},
            "auto_examples/x": {},
        }
    )
    with caplog.at_level(logging.WARNING):
        discovery.check_descriptions(app, env)
    messages = [record.getMessage() for record in caplog.records]
    assert any("the same description as b" in m for m in messages)
    missing = [m for m in messages if "has no description" in m]
    assert len(missing) == (1 if required else 0)  # auto_examples/x is exempt


def test_git_history_of_a_worktree_and_a_shallow_clone(tmp_path: Path) -> None:
    common = tmp_path / "main" / ".git"
    gitdir = common / "worktrees" / "wt"
    gitdir.mkdir(parents=True)
    (gitdir / "commondir").write_text("../..\n")
    tree = tmp_path / "wt" / "docs"
    tree.mkdir(parents=True)
    (tree.parent / ".git").write_text(f"gitdir: {gitdir}\n")
    assert discovery.git_history_of(tree) == common.resolve()
    (common / "shallow").touch()
    assert discovery.git_history_of(tree) is None
    plain = tmp_path / "plain"
    (plain / ".git").mkdir(parents=True)
    assert discovery.git_history_of(plain) == (plain / ".git").resolve()


def test_date_pages_configures_dates_in_utc() -> None:
    config = SimpleNamespace(tfdocs_last_updated_fmt="%d %B %Y")
    discovery.date_pages(None, config)  # type: ignore[arg-type]
    assert config.html_last_updated_fmt == "%d %B %Y"
    assert config.git_last_updated_timezone.utcoffset(None).total_seconds() == 0
    assert config.git_untracked_show_sourcelink is True
    assert config.sitemap_show_lastmod is True


def test_robots_txt_written_only_for_html_with_a_base_url(tmp_path: Path) -> None:
    app = _app(tmp_path, html_baseurl="https://x.org/", sitemap_filename="map.xml")
    discovery.write_robots_txt(app, RuntimeError("failed"))
    assert not (tmp_path / "robots.txt").exists()
    discovery.write_robots_txt(app, None)
    assert "Sitemap: https://x.org/map.xml" in (tmp_path / "robots.txt").read_text()


# -- versions -----------------------------------------------------------------------


def test_configure_theme_adds_banner_switcher_and_template() -> None:
    config = SimpleNamespace(
        tfdocs_documents=DOCUMENTS, html_theme_options={}, templates_path=["t"]
    )
    versions.configure_theme(None, config)  # type: ignore[arg-type]
    options = config.html_theme_options
    assert "TensorFlow 2.21" in options["announcement"]
    assert options["switcher"] == {"json_url": "_static/switcher.json", "version_match": "2.21"}  # fmt: skip
    assert options["check_switcher"] is False
    assert config.templates_path == [str(versions.TEMPLATES), "t"]
    assert (versions.TEMPLATES / "tfdocs-version-switcher.html").is_file()


def test_configure_theme_without_documents_does_nothing() -> None:
    config = SimpleNamespace(tfdocs_documents={}, html_theme_options={})
    versions.configure_theme(None, config)  # type: ignore[arg-type]
    assert config.html_theme_options == {}


def test_write_switcher(tmp_path: Path) -> None:
    other = {"name": "TensorFlow 2.20", "version": "2.20", "url": "https://x.org/2.20/"}
    app = _app(
        tmp_path,
        tfdocs_documents=DOCUMENTS,
        html_baseurl="https://x.org/",
        tfdocs_other_editions=[other],
    )
    versions.write_switcher(app, None)
    entries = json.loads((tmp_path / "_static" / "switcher.json").read_text())
    assert [entry["version"] for entry in entries] == ["2.21", "2.20"]
    app.builder.format = "latex"
    (tmp_path / "_static" / "switcher.json").unlink()
    versions.write_switcher(app, None)
    assert not (tmp_path / "_static" / "switcher.json").exists()


# -- sourcelinks ---------------------------------------------------------------------


def _gallery_root(tmp_path: Path) -> Path:
    (tmp_path / "docs").mkdir()
    (tmp_path / "examples" / "basics").mkdir(parents=True)
    (tmp_path / "examples" / "basics" / "plot_a.py").touch()
    return tmp_path


def test_gallery_buttons_point_at_the_script(tmp_path: Path) -> None:
    root = _gallery_root(tmp_path)
    gallery = {"examples_dirs": ["../examples"], "gallery_dirs": ["auto_examples"]}
    app = _app(root, sphinx_gallery_conf=gallery)
    repo = "https://github.com/o/r"
    generated = "docs/auto_examples/basics/plot_a.rst"
    context = {
        "page_source_suffix": ".rst",
        "doc_path": "docs",
        "header_buttons": [
            {"buttons": [{"url": f"{repo}/blob/main/{generated}?plain=1"}]},
            {"url": f"{repo}/edit/main/{generated}"},
        ],
    }
    sourcelinks.point_at_gallery_sources(app, "auto_examples/basics/plot_a", "", context, None)  # fmt: skip
    assert context["header_buttons"] == [
        {"buttons": [{"url": f"{repo}/blob/main/examples/basics/plot_a.py?plain=1"}]},
        {"url": f"{repo}/edit/main/examples/basics/plot_a.py"},
    ]


_BUTTONS = [{"url": "u"}]
_KEPT = [
    # no repository: no doc_path in the context
    ("auto_examples/basics/plot_a", {"page_source_suffix": ".rst"}),
    # not a gallery page
    ("tensors", {"page_source_suffix": ".md", "doc_path": "docs"}),
    # a gallery page whose script is missing
    ("auto_examples/basics/plot_b", {"page_source_suffix": ".rst", "doc_path": "docs"}),
    # a script outside the repository root that doc_path gives
    (
        "auto_examples/basics/plot_a",
        {"page_source_suffix": ".rst", "doc_path": "a/b/c/d/e/f/g/h/i/j/k/l/m"},
    ),
]


@pytest.mark.parametrize(("pagename", "context"), _KEPT)
def test_other_pages_keep_their_buttons(
    tmp_path: Path, pagename: str, context: dict[str, Any]
) -> None:
    context = {**context, "header_buttons": [dict(b) for b in _BUTTONS]}
    root = _gallery_root(tmp_path)
    gallery = {"examples_dirs": "../examples", "gallery_dirs": "auto_examples"}
    sourcelinks.point_at_gallery_sources(
        _app(root, sphinx_gallery_conf=gallery), pagename, "", context, None
    )
    assert context["header_buttons"] == _BUTTONS


# -- apiref -----------------------------------------------------------------------


class _Recorder:
    """Stands in for Sphinx: records what an extension's setup registers."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.config = SimpleNamespace(tfdocs_autodoc_stubs={"pkg": ["keras"]})

    def __getattr__(self, name: str) -> Any:
        return lambda *args, **kwargs: self.calls.append((name, args))


def test_apiref_connect_replaces_every_autodoc_directive() -> None:
    app = _Recorder()
    apiref.connect(app)  # type: ignore[arg-type]
    assert ("setup_extension", ("sphinx.ext.autodoc",)) in app.calls
    handler = next(args[1] for name, args in app.calls if name == "connect")
    app.calls.clear()
    handler(app, app.config)
    directives = [args[0] for name, args in app.calls if name == "add_directive"]
    assert directives == list(apiref.AUTODOC_DIRECTIVES)
    app.calls.clear()
    handler(app, SimpleNamespace(tfdocs_autodoc_stubs={}))
    assert app.calls == []


@pytest.mark.parametrize(
    ("argument", "module", "stubbed"),
    [
        ("tfdocs_helpers.callbacks", None, True),
        ("EpochLogger", "tfdocs_helpers.callbacks", True),
        ("json", None, False),
    ],
)
def test_the_directive_documents_from_a_throwaway_copy(
    monkeypatch: pytest.MonkeyPatch, argument: str, module: str | None, stubbed: bool
) -> None:
    seen = []

    def run(self: object) -> list[object]:
        seen.append(type(sys.modules.get("keras")).__name__ == "StubModule")
        return []

    monkeypatch.setattr(apiref.AutodocDirective, "run", run)
    directive = object.__new__(apiref.IsolatedAutodocDirective)
    directive.arguments = [argument]
    env = SimpleNamespace(ref_context={"py:module": module} if module else {})
    config = SimpleNamespace(tfdocs_autodoc_stubs={"tfdocs_helpers": ["keras"]})
    monkeypatch.setattr(type(directive), "env", property(lambda self: env))
    monkeypatch.setattr(type(directive), "config", property(lambda self: config))
    assert directive.run() == []
    assert seen == [stubbed]


@pytest.mark.parametrize("module", [discovery, versions, sourcelinks])
def test_connect_registers_handlers(tmp_path: Path, module: Any) -> None:
    app = _Recorder()
    app.srcdir = str(tmp_path)  # type: ignore[attr-defined]
    module.connect(app)
    assert any(name == "connect" for name, _ in app.calls)
    assert not any(name == "add_config_value" for name, _ in app.calls)


def test_dates_only_inside_a_complete_git_history(tmp_path: Path) -> None:
    outside, inside = _Recorder(), _Recorder()
    outside.srcdir = str(tmp_path)  # type: ignore[attr-defined]
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    inside.srcdir = str(tmp_path / "repo")  # type: ignore[attr-defined]
    discovery.connect(outside)  # type: ignore[arg-type]
    discovery.connect(inside)  # type: ignore[arg-type]
    loaded = [args for name, args in inside.calls if name == "setup_extension"]
    assert loaded == [("sphinx_last_updated_by_git",)]
    assert not [args for name, args in outside.calls if name == "setup_extension"]


def test_no_switcher_without_documents(tmp_path: Path) -> None:
    app = _app(tmp_path, tfdocs_documents={})
    versions.write_switcher(app, None)
    assert not (tmp_path / "_static").exists()
