"""Facts the build, the nox file, tools/ and tests share (tfdocs_sphinx.locations)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

from tfdocs_sphinx import locations

ROOT = Path(__file__).parents[1]


def _app(srcdir: Path) -> SimpleNamespace:
    conf = {"gallery_dirs": ["auto_examples", "more"]}
    return SimpleNamespace(
        srcdir=str(srcdir), config=SimpleNamespace(sphinx_gallery_conf=conf)
    )


def test_gallery_examples_are_the_scripts_beside_generated_pages(
    tmp_path: Path,
) -> None:
    group = tmp_path / "auto_examples" / "basics"
    group.mkdir(parents=True)
    for name in ("plot_a.py", "plot_a.rst", "index.rst", "helper.py"):
        (group / name).write_text("", encoding="utf-8")
    (tmp_path / "plot_b.py").write_text("", encoding="utf-8")  # not in a gallery
    (tmp_path / "plot_b.rst").write_text("", encoding="utf-8")
    app = _app(tmp_path)
    assert locations.gallery_examples(app) == {  # type: ignore[arg-type]
        "auto_examples/basics/plot_a": group / "plot_a.py"
    }
    assert locations.gallery_example(app, "auto_examples/basics/plot_a") == (  # type: ignore[arg-type]
        group / "plot_a.py"
    )
    assert locations.gallery_example(app, "auto_examples/basics/index") is None  # type: ignore[arg-type]
    assert locations.gallery_example(app, "plot_b") is None  # type: ignore[arg-type]


def test_the_nox_file_reads_the_package_without_sphinx() -> None:
    code = (
        f"import sys; sys.path.insert(0, {str(ROOT / 'src')!r}); "
        "import tfdocs_sphinx.locations; "
        "assert 'sphinx' not in sys.modules, sorted(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_strict_command_is_the_one_every_build_uses() -> None:
    noxfile = (ROOT / "noxfile.py").read_text(encoding="utf-8")
    assert "sphinx_build_args(**SITE)" in noxfile
    args = locations.sphinx_build_args(
        confdir=ROOT, srcdir=ROOT, outdir=ROOT, doctreedir=ROOT, strict=False
    )
    assert not set(locations.STRICT_OPTIONS) & set(args)
