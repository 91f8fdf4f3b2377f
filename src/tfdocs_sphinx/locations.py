"""Facts about the build that several parts, the nox file, tools/ and tests share.

Each is answered once, here: the environment every page and example runs in,
the strict ``sphinx-build`` command line, where the build keeps its run record,
and which documents are gallery examples. The module imports nothing but the
standard library when it is imported (Sphinx only for type checking), so the
nox file can read it from ``src/`` without installing anything.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx

__all__ = [
    "BUILD_ENVIRONMENT",
    "KERNELS",
    "RUNS_FILE",
    "STRICT_OPTIONS",
    "gallery_example",
    "gallery_examples",
    "gallery_folders",
    "runs_path",
    "sphinx_build_args",
]

#: Environment shared by the build, the kernels and example processes it
#: starts, the tests and the benchmark.
BUILD_ENVIRONMENT: Mapping[str, str] = {
    # Drop TensorFlow's C++ INFO/WARNING/ERROR lines.
    "TF_CPP_MIN_LOG_LEVEL": "3",
    # oneDNN reorders float sums, so results differ from machine to machine.
    "TF_ENABLE_ONEDNN_OPTS": "0",
    # Stable hashing for anything that iterates over sets or dicts of strings.
    "PYTHONHASHSEED": "0",
}

#: sphinx-build options of every build: warnings are errors, every failure is
#: shown in one run, and broken references warn.
STRICT_OPTIONS: Sequence[str] = ("-W", "--keep-going", "-n")

#: The folder holding the build's kernelspecs (``kernels/tfdocs/kernel.json``),
#: which :mod:`.execute.environment` puts on ``JUPYTER_PATH``.
KERNELS = Path(__file__).parent / "execute"

#: The run record of a build (:mod:`.runs`), in its doctree folder.
RUNS_FILE = "tfdocs-runs.json"


def sphinx_build_args(
    *, confdir: Path, srcdir: Path, outdir: Path, doctreedir: Path, strict: bool = True
) -> list[str]:
    """Return the arguments of ``sphinx-build`` for an HTML build, strict by default.

    Every build of the site, the fixture sites, the benchmark and the
    reproducibility check is made with these (the live preview is not strict).

    Examples
    --------
    >>> sphinx_build_args(
    ...     confdir=Path("."), srcdir=Path("docs"),
    ...     outdir=Path("_build/html"), doctreedir=Path("_build/doctrees"),
    ... )  # doctest: +NORMALIZE_WHITESPACE
    ['-b', 'html', '-W', '--keep-going', '-n', '-c', '.', '-d', '_build/doctrees',
     'docs', '_build/html']
    """
    return [
        "-b", "html", *(STRICT_OPTIONS if strict else ()),
        "-c", str(confdir), "-d", str(doctreedir), str(srcdir), str(outdir),
    ]  # fmt: skip


def runs_path(doctreedir: str | Path) -> Path:
    """Return where a build with doctrees in ``doctreedir`` writes its run record.

    >>> runs_path("_build/doctrees").as_posix()
    '_build/doctrees/tfdocs-runs.json'
    """
    return Path(doctreedir) / RUNS_FILE


def gallery_folders(app: Sphinx) -> list[Path]:
    """Return the folders sphinx-gallery generates its pages into (its ``gallery_dirs``)."""
    conf: Mapping[str, Any] = app.config.sphinx_gallery_conf
    names = conf.get("gallery_dirs", [])
    names = [names] if isinstance(names, str) else list(names)
    return [Path(app.srcdir, name) for name in names]


def gallery_examples(app: Sphinx) -> dict[str, Path]:
    """Map the docname of every generated gallery example to its copy of the script.

    sphinx-gallery copies each script beside the page it generates from it,
    executed or not (``TFDOCS_ONLY`` narrows what runs, not what is shown).
    """
    srcdir = Path(app.srcdir)
    return {
        page.relative_to(srcdir).with_suffix("").as_posix(): page.with_suffix(".py")
        for folder in gallery_folders(app)
        if folder.is_dir()
        for page in sorted(folder.rglob("*.rst"))
        if page.with_suffix(".py").is_file()
    }


def gallery_example(app: Sphinx, docname: str) -> Path | None:
    """Return the script of the gallery example ``docname``; None for other documents."""
    script = Path(app.srcdir, f"{docname}.py")
    folders = gallery_folders(app)
    if not script.is_file() or not any(script.is_relative_to(f) for f in folders):
        return None
    return script
