"""The one entry point (tfdocs_sphinx.setup) and the settings it declares."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from sphinx.application import Sphinx

import tfdocs_sphinx

ROOT = Path(__file__).parents[1]
PACKAGE = Path(tfdocs_sphinx.__file__).parent


def test_every_setting_read_is_declared_once() -> None:
    read = {
        name
        for path in PACKAGE.rglob("*.py")
        for name in re.findall(r"config\.(tfdocs_\w+)", path.read_text("utf-8"))
    }
    assert read <= set(tfdocs_sphinx.SETTINGS), read - set(tfdocs_sphinx.SETTINGS)
    declared = [
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if "add_config_value(" in path.read_text("utf-8")
    ]
    assert declared == ["__init__.py"]


def test_conf_py_names_one_extension_of_the_machinery_and_no_internals() -> None:
    conf = (ROOT / "conf.py").read_text(encoding="utf-8")
    assert re.findall(r'"(tfdocs_sphinx[\w.]*)"', conf) == ["tfdocs_sphinx"]
    assert "docs/_ext" not in conf
    sources = [
        p for p in (ROOT / "docs").rglob("*.py") if "auto_examples" not in p.parts
    ]
    assert sources == []  # docs/ holds pages only (the gallery's copies aside)


def test_importing_the_package_imports_no_sphinx() -> None:
    code = (
        "import sys, tfdocs_sphinx, tfdocs_sphinx.execute.zygote; "
        "heavy = {'sphinx', 'myst_nb', 'tensorflow'} & set(sys.modules); "
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Sphinx:
    """An app with only the machinery (and what it loads), never built."""
    root = tmp_path_factory.mktemp("setup")
    (root / "src").mkdir()
    (root / "src" / "index.md").write_text("# Index\n", encoding="utf-8")
    (root / "conf.py").write_text(
        'extensions = ["tfdocs_sphinx"]\n'
        'sphinx_gallery_conf = {"examples_dirs": [], "gallery_dirs": []}\n',
        encoding="utf-8",
    )
    return Sphinx(
        str(root / "src"),
        str(root),
        str(root / "out"),
        str(root / "doctrees"),
        "html",
        status=None,
        warning=None,
    )


def test_setup_loads_myst_nb_and_sphinx_gallery_first(app: Sphinx) -> None:
    loaded = list(app.extensions)
    assert loaded.index("myst_nb") < loaded.index("tfdocs_sphinx")
    assert loaded.index("sphinx_gallery.gen_gallery") < loaded.index("tfdocs_sphinx")
    assert app.extensions["tfdocs_sphinx"].parallel_read_safe


def test_settings_have_their_defaults_and_the_gallery_hook(app: Sphinx) -> None:
    assert app.config.tfdocs_min_run_ms == 100
    assert app.config.tfdocs_pinned == ["tensorflow", "keras"]
    conf = app.config.sphinx_gallery_conf
    assert conf["reset_modules"][-1] == "tfdocs_sphinx.execute.gallery.measure_example"
    assert conf["reset_modules_order"] == "both"


def test_the_run_record_is_collected_before_any_part_reads_a_page(app: Sphinx) -> None:
    listeners = app.events.listeners["doctree-read"]
    names = [getattr(listener.handler, "__qualname__", "") for listener in listeners]
    ours = [name for name in names if "RunsCollector" in name or "_" in name]
    first = names.index("RunsCollector.process_doc")
    for part in (
        "report_failed_cell",
        "clean_literal_blocks",
        "add_banner",
        "check_page",
    ):
        assert first < names.index(part), ours
