"""Notebook pages as myst-nb reads them, and the settings it gives each one.

Several parts need to know which documents are notebook pages, read them as
myst-nb does, and know the execution settings myst-nb applies to each (the
site's ``nb_*`` settings updated by the page's ``mystnb`` metadata, and its
kernel name after ``nb_kernel_rgx_aliases``). The executor must agree with
myst-nb byte for byte, or myst-nb would not find the pages it ran in the cache;
so this module mirrors myst-nb's ``Parser.parse`` in one place.

It also joins the chunks a kernel sends a stream in (:func:`join_streams`),
for every notebook the build caches or offers for download.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from myst_nb.core.config import NbParserConfig
    from myst_parser.config.main import MdParserConfig
    from nbformat import NotebookNode
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

__all__ = [
    "NotebookPage",
    "is_notebook_page",
    "join_notebook_streams",
    "join_streams",
    "page_config",
    "read_page",
]


@dataclass(frozen=True)
class NotebookPage:
    """A notebook page as myst-nb reads it, with its own execution settings."""

    docname: str
    path: Path
    notebook: NotebookNode
    read_fmt: dict[str, Any] | None
    config: NbParserConfig


def is_notebook_page(env: BuildEnvironment, docname: str) -> bool:
    """Whether a document is a notebook page (a kernelspec, or an ``.ipynb``).

    Known once the document's metadata is read (from ``doctree-read`` on).
    """
    return (
        "kernelspec" in env.metadata.get(docname, {})
        or Path(env.doc2path(docname)).suffix == ".ipynb"
    )


def read_page(app: Sphinx, docname: str) -> NotebookPage | None:
    """Read a document as myst-nb does; None if myst-nb reads it as no notebook.

    Uses the myst-parser and myst-nb configurations of ``app.env``, which exist
    once those extensions' ``builder-inited`` handlers ran (or
    :func:`ensure_configs` made them earlier).
    """
    from myst_nb.core.read import create_nb_reader

    path = Path(app.project.doc2path(docname, absolute=True))
    if path.suffix not in (".md", ".ipynb"):
        return None
    content = path.read_text(encoding="utf-8")
    nb_config = mystnb_config(app.env)
    reader = create_nb_reader(str(path), myst_config(app.env), nb_config, content)
    if reader is None:
        return None
    notebook = reader.read(content)
    return NotebookPage(
        docname, path, notebook, reader.read_fmt, page_config(notebook, nb_config)
    )


def mystnb_config(env: BuildEnvironment) -> NbParserConfig:
    """Return myst-nb's configuration, which myst-nb keeps in the environment."""
    config: NbParserConfig = getattr(env, "mystnb_config")  # noqa: B009
    return config


def myst_config(env: BuildEnvironment) -> MdParserConfig:
    """Return myst-parser's configuration, which it keeps in the environment."""
    config: MdParserConfig = getattr(env, "myst_config")  # noqa: B009
    return config


def ensure_configs(app: Sphinx) -> None:
    """Make myst-parser's and myst-nb's configurations before their handlers do.

    They make them in their own ``builder-inited`` handlers; making them earlier
    (the executor starts before) changes nothing.
    """
    from myst_nb.sphinx_ext import create_mystnb_config
    from myst_parser.sphinx_ext.main import create_myst_config
    from sphinx.util import logging

    with logging.suppress_logging():
        create_myst_config(app)
        create_mystnb_config(app)


def page_config(notebook: NotebookNode, nb_config: NbParserConfig) -> NbParserConfig:
    """Return a page's settings: the site's, updated by its ``mystnb`` metadata.

    Also renames the notebook's kernel by ``nb_kernel_rgx_aliases``, in place,
    as myst-nb does before it looks the page up in its cache.
    """
    from myst_nb.core.nb_to_tokens import nb_node_to_dict

    kernelspec = notebook.metadata.get("kernelspec", {})
    name = kernelspec.get("name")
    for pattern, alias in nb_config.kernel_rgx_aliases.items():
        if name is not None and re.fullmatch(pattern, name):
            kernelspec["name"] = alias
            break
    overrides = nb_node_to_dict(notebook.metadata.get(nb_config.metadata_key, {}))
    overrides.pop("output_folder", None)
    return nb_config.copy(**overrides) if overrides else nb_config


def join_streams(outputs: list[NotebookNode]) -> list[NotebookNode]:
    """Merge each run of consecutive outputs to the same stream into one.

    >>> from nbformat.v4 import new_output
    >>> chunks = [new_output("stream", name="stdout", text=t) for t in ("a ", "b")]
    >>> [o.text for o in join_streams(chunks)]
    ['a b']
    """
    joined: list[NotebookNode] = []
    for output in outputs:
        previous = joined[-1] if joined else None
        if (
            previous is not None
            and output.output_type == previous.output_type == "stream"
            and output.name == previous.name
        ):
            previous.text += output.text
        else:
            joined.append(output)
    return joined


def join_notebook_streams(notebook: NotebookNode) -> NotebookNode:
    """Join the stream chunks of every code cell of ``notebook``, in place."""
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = join_streams(cell.outputs)
    return notebook
