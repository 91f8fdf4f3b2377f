"""Run it yourself: the wheels the site serves, and the command on every page.

A reader who copies a page's code or downloads an example runs it outside this
repository. This part makes that work:

* **Served wheels.** Each distribution named in ``tfdocs_serve_wheels`` (the
  site's own helpers) is built from its project folder, with the backend the
  project declares, into the root of the built site, as
  ``<name>-<version>-py3-none-any.whl``: the install line then works for every
  version of the site, before and after any release to PyPI. Its version must be
  the one installed in the build's environment, which produced the outputs.
* **A "Run it yourself" box** under the title of every executed page and
  gallery example, with the one ``pip install`` command that installs what
  that page's or example's code imports (:mod:`.requirements`): the served
  wheels by their URL under ``html_baseurl``, TensorFlow and Keras at the
  versions the outputs were made with. The ``tfdocs-install`` directive shows
  the same command for a list of modules, or for the whole gallery.
* **Portable notebooks.** :func:`portable_notebook` gives a downloadable
  notebook the standard ``python3`` kernel and a first cell that installs what
  it imports where it is missing (on Colab); the page itself never shows that
  cell. The gallery's notebooks and zips are rewritten so after the build.
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import nbformat
from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from tfdocs_sphinx.locations import gallery_example, gallery_examples
from tfdocs_sphinx.notebooks import is_notebook_page, read_page
from tfdocs_sphinx.publish.requirements import (
    Requirement,
    imported_modules,
    install_cell,
    pip_command,
    resolve,
)

__all__ = [
    "PYTHON3_KERNELSPEC",
    "portable_notebook",
    "unit_requirements",
    "wheel_name",
]

logger = logging.getLogger(__name__)

#: The kernelspec every reader's Jupyter and Colab know.
PYTHON3_KERNELSPEC = {
    "name": "python3",
    "display_name": "Python 3",
    "language": "python",
}
#: Marks the install cell, so that it is never added twice.
INSTALL_CELL_TAG = "tfdocs-install"
#: The date zip entries carry (the earliest a zip can hold): same bytes every build.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def wheel_name(distribution: str, version: str) -> str:
    """Return the file name of a pure-Python wheel, as build backends write it.

    Examples
    --------
    >>> wheel_name("tfdocs-helpers", "0.1.0")
    'tfdocs_helpers-0.1.0-py3-none-any.whl'
    """
    return f"{distribution.replace('-', '_')}-{version}-py3-none-any.whl"


def served_wheels(app: Sphinx) -> dict[str, str]:
    """Distribution name to the URL of its wheel, for every wheel the site serves."""
    import importlib.metadata

    base = app.config.html_baseurl
    return {
        name: f"{base}{wheel_name(name, importlib.metadata.version(name))}"
        for name in app.config.tfdocs_serve_wheels
    }


def unit_requirements(
    app: Sphinx, code: str, *, where: str
) -> list[Requirement] | None:
    """Return what to install to run `code`, the code of the page or example `where`.

    Returns None, with a warning that names `where` (an error in a strict
    build), when a module cannot be traced to an installed distribution.
    """
    try:
        modules = imported_modules(code) | lazy_imports(
            code, app.config.tfdocs_lazy_imports
        )
        return resolve(
            modules, pinned=app.config.tfdocs_pinned, served=served_wheels(app)
        )
    except (SyntaxError, LookupError) as error:
        logger.warning(
            "cannot tell what a reader must install to run it: %s",
            error,
            location=where,
            type="tfdocs",
            subtype="install",
        )
        return None


def lazy_imports(code: str, patterns: dict[str, list[str]]) -> set[str]:
    r"""Return the modules that `code` needs though no ``import`` names them.

    TensorFlow and Keras import some libraries only when a feature is used:
    ``keras.callbacks.TensorBoard`` and ``tf.summary`` need ``tensorboard``,
    which TensorFlow does not require. `patterns` maps each such module to
    regular expressions; a module is needed if one of them is found in `code`.

    Examples
    --------
    >>> sorted(lazy_imports("keras.callbacks.TensorBoard(logs)",
    ...                     {"tensorboard": [r"\bTensorBoard\b"]}))
    ['tensorboard']
    """
    return {
        module
        for module, expressions in patterns.items()
        if any(re.search(expression, code) for expression in expressions)
    }


# -- Which units, and their code ----------------------------------------------


def _page_code(app: Sphinx, docname: str) -> str | None:
    """Return the code of every code cell of a notebook page (None for others)."""
    if not is_notebook_page(app.env, docname):
        return None
    page = read_page(app, docname)
    if page is None:
        return None
    cells = page.notebook.cells
    return "\n".join(cell.source for cell in cells if cell.cell_type == "code")


def _example_script(app: Sphinx, docname: str) -> Path | None:
    """Return the script of a gallery example page (sphinx-gallery copies it)."""
    return gallery_example(app, docname)


# -- The box ------------------------------------------------------------------


def _box(command: str, *, what: str) -> nodes.Element:
    python = ".".join(map(str, sys.version_info[:2]))
    box = nodes.admonition(classes=["tfdocs-install", "tip"])
    box += nodes.title("", "Run it yourself")
    box += nodes.paragraph(
        "",
        f"In a fresh environment with Python {python} (the build's; 3.12 and "
        "3.13 install the same versions), install what this "
        f"{what} imports, at the versions its outputs were made with:",
    )
    box += nodes.literal_block(command, command, language="bash")
    return box


def add_install_box(app: Sphinx, doctree: nodes.document) -> None:
    """Put the install command under the title of an executed page or example."""
    docname = app.env.docname
    script = _example_script(app, docname)
    if script is not None:
        code, what = script.read_text(encoding="utf-8"), "example"
        after = f"then run it with ``python {script.name}`` (download it below)."
    else:
        page_code = _page_code(app, docname)
        if page_code is None:
            return
        code, what = page_code, "page"
        after = (
            "then run its cells in order, or download its notebook "
            "(the download button above): on Colab it installs this itself."
        )
    requirements = unit_requirements(app, code, where=docname)
    section = next(iter(doctree.findall(nodes.section)), None)
    if requirements is None or section is None:
        return
    command = pip_command(requirements)
    box = _box(command, what=what)
    box += nodes.paragraph("", "", *_inline_rst(after))
    title = next(iter(section.findall(nodes.title)), None)
    index = section.index(title) + 1 if title is not None else 0
    # After the banner with the versions and time, if checks.report put one.
    if index < len(section) and isinstance(section[index], nodes.raw):
        index += "tfdocs-run" in section[index].astext()
    section.insert(index, box)


def _inline_rst(text: str) -> list[nodes.Node]:
    """Plain text with ``code`` spans, as docutils inline nodes."""
    parts = text.split("``")
    return [
        nodes.literal(part, part) if odd else nodes.Text(part)
        for odd, part in ((i % 2 == 1, p) for i, p in enumerate(parts))
        if part
    ]


class InstallDirective(SphinxDirective):
    """``tfdocs-install``: the install command for some modules, or the gallery.

    Its arguments are module names (``tensorflow tfdocs_helpers``); with the
    ``:gallery:`` flag, the modules every gallery example imports.
    """

    optional_arguments = 50
    option_spec = {"gallery": directives.flag}  # noqa: RUF012 (docutils API)

    def run(self) -> list[nodes.Node]:
        """Return the command as a literal block."""
        modules = set(self.arguments)
        if "gallery" in self.options:
            for script in _gallery_scripts(self.env.app):
                code = script.read_text(encoding="utf-8")
                modules |= imported_modules(code)
                modules |= lazy_imports(code, self.config.tfdocs_lazy_imports)
        if not modules:
            if "gallery" in self.options:  # no examples (or none selected): no command
                return []
            msg = "tfdocs-install needs module names or the :gallery: flag"
            raise self.error(msg)
        try:
            requirements = resolve(
                modules,
                pinned=self.config.tfdocs_pinned,
                served=served_wheels(self.env.app),
            )
        except LookupError as error:
            raise self.error(str(error)) from error
        command = pip_command(requirements)
        return [nodes.literal_block(command, command, language="bash")]


def _gallery_scripts(app: Sphinx) -> list[Path]:
    """Return every gallery example, executed or not."""
    return sorted(gallery_examples(app).values())


# -- Notebooks ----------------------------------------------------------------


def portable_notebook(
    notebook: nbformat.NotebookNode, requirements: Iterable[Requirement]
) -> nbformat.NotebookNode:
    """Make a notebook run anywhere: ``python3`` kernel, an install cell first.

    Changes `notebook` in place and returns it. The install cell (tagged
    ``tfdocs-install``) replaces one added before.
    """
    requirements = list(requirements)
    notebook.metadata["kernelspec"] = dict(PYTHON3_KERNELSPEC)
    notebook.metadata.setdefault("language_info", {"name": "python"})
    cell = nbformat.v4.new_code_cell(
        install_cell(requirements, command=pip_command(requirements)),
        metadata={"tags": [INSTALL_CELL_TAG]},
    )
    cells = [
        c
        for c in notebook.cells
        if INSTALL_CELL_TAG not in c.get("metadata", {}).get("tags", [])
    ]
    notebook.cells = [cell, *cells]
    for index, each in enumerate(notebook.cells):
        each["id"] = f"cell-{index}"
    # Cell ids exist from nbformat 4.5 on (sphinx-gallery writes 4.2 or 4.4).
    notebook.nbformat_minor = max(notebook.get("nbformat_minor", 0), 5)
    return notebook


def rewrite_gallery_downloads(app: Sphinx, exception: Exception | None) -> None:
    """Give every gallery notebook (and its copy in the zip) the install cell."""
    if exception is not None or app.builder.format != "html":
        return
    downloads = Path(app.outdir, "_downloads")
    for source, (_, destination) in app.env.dlfiles.items():
        path = Path(source)
        script = Path(app.srcdir, source).with_suffix(".py")
        if path.suffix not in (".ipynb", ".zip") or not script.is_file():
            continue
        requirements = unit_requirements(
            app, script.read_text(encoding="utf-8"), where=str(script)
        )
        if requirements is None:
            continue
        target = downloads / destination
        if path.suffix == ".ipynb":
            target.write_text(_portable(target.read_bytes(), requirements), "utf-8")
        else:
            _rewrite_zip(target, requirements)


def _portable(data: bytes, requirements: list[Requirement]) -> str:
    notebook = nbformat.reads(data.decode("utf-8"), as_version=4)
    text: str = nbformat.writes(portable_notebook(notebook, requirements))
    return text


def _rewrite_zip(path: Path, requirements: list[Requirement]) -> None:
    """Rewrite a zip with portable notebooks and fixed dates, atomically."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(buffer, "w") as new:
        for info in sorted(old.infolist(), key=lambda i: i.filename):
            data = old.read(info)
            if info.filename.endswith(".ipynb"):
                data = _portable(data, requirements).encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE)
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            new.writestr(entry, data)
    partial = path.with_suffix(".zip.partial")
    partial.write_bytes(buffer.getvalue())
    partial.replace(path)


# -- The wheels ---------------------------------------------------------------


def build_wheels(app: Sphinx, exception: Exception | None) -> None:
    """Build every served wheel into the root of the built site."""
    if exception is not None or app.builder.format != "html":
        return
    import importlib.metadata

    from build import ProjectBuilder
    from pyproject_hooks import quiet_subprocess_runner

    extra = {"TFDOCS_BASE_URL": app.config.html_baseurl}
    if getattr(app.config, "tfdocs_repo_url", ""):
        extra["TFDOCS_REPO_URL"] = app.config.tfdocs_repo_url

    def runner(
        cmd: Sequence[str],
        cwd: str | None = None,
        extra_environ: Mapping[str, str] | None = None,
    ) -> None:
        """Run the build backend quietly, with the site's URLs in its environment."""
        quiet_subprocess_runner(cmd, cwd, {**(extra_environ or {}), **extra})

    for name, folder in app.config.tfdocs_serve_wheels.items():
        project = Path(app.confdir, folder)
        expected = wheel_name(name, importlib.metadata.version(name))
        builder = ProjectBuilder(
            project, python_executable=sys.executable, runner=runner
        )
        built = Path(builder.build("wheel", app.outdir))
        if built.name != expected:
            built.unlink()
            msg = (
                f"tfdocs_serve_wheels: {folder} builds {built.name}, but the build's "
                f"environment has {expected}; reinstall it (nox -s docs does)"
            )
            raise ExtensionError(msg)
        logger.info("tfdocs: serving %s", expected)


def check_served_wheels(app: Sphinx, config: Any) -> None:
    """Fail early if a served distribution is not installed or has no project."""
    import importlib.metadata

    for name, folder in config.tfdocs_serve_wheels.items():
        try:
            importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            msg = f"tfdocs_serve_wheels: {name!r} is not installed in the build's environment"
            raise ExtensionError(msg) from None
        if not Path(app.confdir, folder, "pyproject.toml").is_file():
            msg = f"tfdocs_serve_wheels: {folder!r} has no pyproject.toml (relative to conf.py)"
            raise ExtensionError(msg)


def connect(app: Sphinx) -> None:
    """Register the box, the directive and the downloads."""
    app.add_directive("tfdocs-install", InstallDirective)
    app.connect("config-inited", check_served_wheels)
    app.connect("doctree-read", add_install_box, priority=600)  # after the banner
    app.connect("build-finished", build_wheels)
    app.connect("build-finished", rewrite_gallery_downloads)
