"""Source and edit buttons of gallery pages point at the scripts in ``examples/``.

With ``repository_url`` set, sphinx-book-theme gives every page buttons to show
its source, suggest an edit and open an issue. For a gallery page it would
point at the reST file sphinx-gallery generated (``docs/auto_examples/...rst``),
which is not in the repository. This extension points those buttons at the
file the page is made from: ``examples/<group>/plot_<name>.py`` for an example,
the folder's ``README.rst`` (or ``README.txt``, ``GALLERY_HEADER.rst``) for a
gallery index.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from sphinx.application import Sphinx

__all__ = ["gallery_source"]

_HEADERS = ("README.rst", "README.txt", "GALLERY_HEADER.rst")


def gallery_source(
    pagename: str, srcdir: Path, gallery_conf: dict[str, Any]
) -> Path | None:
    """Return the file a gallery page is generated from (None for other pages).

    Examples
    --------
    >>> import tempfile
    >>> conf = {"examples_dirs": "../examples", "gallery_dirs": "auto_examples"}
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     root = Path(tmp)
    ...     (root / "examples" / "basics").mkdir(parents=True)
    ...     (root / "examples" / "basics" / "plot_a.py").touch()
    ...     (root / "examples" / "README.rst").touch()
    ...     pages = ["auto_examples/basics/plot_a", "auto_examples/index", "tensors"]
    ...     [str(gallery_source(p, root / "docs", conf)) for p in pages]
    ['.../examples/basics/plot_a.py', '.../examples/README.rst', 'None']
    """
    examples = gallery_conf.get("examples_dirs", [])
    galleries = gallery_conf.get("gallery_dirs", [])
    examples = [examples] if isinstance(examples, str) else examples
    galleries = [galleries] if isinstance(galleries, str) else galleries
    page = PurePosixPath(pagename)
    for example_dir, gallery_dir in zip(examples, galleries, strict=False):
        gallery = PurePosixPath(gallery_dir)
        if gallery not in page.parents:
            continue
        folder = (srcdir / example_dir).resolve()
        relative = page.relative_to(gallery)
        if relative.name == "index":
            candidates = [folder / relative.parent / name for name in _HEADERS]
        else:
            candidates = [folder / relative.with_suffix(".py")]
        return next((path for path in candidates if path.is_file()), None)
    return None


def _retarget(buttons: list[dict[str, Any]], old: str, new: str) -> None:
    for button in buttons:
        if "url" in button:
            button["url"] = button["url"].replace(old, new)
        _retarget(button.get("buttons", []), old, new)


def point_at_gallery_sources(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: object,
) -> None:
    """Replace the generated file's path by the script's in the page's buttons."""
    suffix = context.get("page_source_suffix")
    buttons = context.get("header_buttons")
    if not suffix or not buttons or "doc_path" not in context:
        return  # no source buttons: no repository_url
    source = gallery_source(
        pagename, Path(app.srcdir), getattr(app.config, "sphinx_gallery_conf", {})
    )
    if source is None:
        return
    doc_path = str(context.get("doc_path", "")).strip("/")
    root = Path(app.srcdir).resolve()
    for _ in PurePosixPath(doc_path).parts:
        root = root.parent
    if not source.is_relative_to(root):
        return
    generated = "/".join(part for part in (doc_path, f"{pagename}{suffix}") if part)
    _retarget(buttons, f"/{generated}", f"/{source.relative_to(root).as_posix()}")


def connect(app: Sphinx) -> None:
    """Connect after sphinx-book-theme has made its buttons (priority 501)."""
    app.connect("html-page-context", point_at_gallery_sources, priority=502)
