"""Link ``tf.*`` and ``keras.*`` names to the official API reference.

Inline code in prose whose text is a known public name (```tf.function```,
```keras.layers.Dense()```) becomes a link to its page on tensorflow.org or
keras.io. In highlighted Python code (myst-nb cells and sphinx-gallery
examples) every attribute chain is linked by its longest known prefix, so
``tf.data.Dataset.from_tensor_slices(x).map(f)`` links the first four names.
Names bound by the page's own imports count: after ``from keras import layers``,
``layers.Dense`` links to ``keras.layers.Dense``. Unknown names, and anything
already inside a link, are left alone.

The names and URLs come from the maps in ``apimaps/`` that :mod:`.apimap`
generates from the installed TensorFlow and Keras (``nox -s apilinks``), so a build needs neither the network nor an import
of TensorFlow. Links carry the class ``tfdocs-apilink`` and a ``title`` naming
the reference they open.

Written here rather than with sphinx-codeautolink, which resolves names by
importing them (TensorFlow, in the Sphinx process) and needs intersphinx
inventories that neither tensorflow.org nor keras.io publishes.
"""

from __future__ import annotations

import ast
import functools
import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

__all__ = ["ApiIndex", "import_aliases", "link_code", "link_page_body", "load_index"]

MAPS = Path(__file__).parent / "apimaps"
LINK_CLASS = "tfdocs-apilink"
PYTHON_LANGUAGES = frozenset(
    {"python", "python3", "py", "ipython", "ipython3", "pycon", "default"}
)
# The names every page may use without importing them.
DEFAULT_ALIASES = {"tf": "tf", "keras": "keras"}
_BLOCK = re.compile(
    r'(<div class="highlight-(?P<language>[\w+-]+) notranslate">'
    r'<div class="highlight"><pre>)(?P<code>.*?)(</pre>)',
    re.DOTALL,
)
_EXISTING_LINK = re.compile(r"(<a\b.*?</a>)", re.DOTALL)
_NAME = r'<span class="(?:n|nn|nb|nc|nf|nd|bp|nv|fm)">@?[A-Za-z_][\w.]*</span>'
_DOT = r'<span class="(?:o|p|nn)">\.</span>'
# A chain of Pygments name tokens, not itself the attribute of something else.
_CHAIN = re.compile(
    r'(?<!<span class="o">\.</span>)(?<!<span class="p">\.</span>)'
    rf'(?<!<span class="nn">\.</span>){_NAME}(?:{_DOT}{_NAME})*'
)
_TOKEN = re.compile(rf"{_NAME}|{_DOT}")
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class ApiIndex:
    """Public API names, their reference URLs, and prefix aliases between them.

    >>> index = ApiIndex(
    ...     urls={"keras.layers": "https://keras.io/api/layers/"},
    ...     aliases={"tf.keras": "keras"},
    ... )
    >>> index.canonical("tf.keras.layers")
    'keras.layers'
    >>> index.url("tf.keras.layers")
    'https://keras.io/api/layers/'
    """

    urls: Mapping[str, str]
    aliases: Mapping[str, str]

    def canonical(self, name: str) -> str:
        """Rewrite the longest aliased prefix of ``name`` (``tf.keras`` -> ``keras``)."""
        parts = name.split(".")
        for end in range(len(parts), 0, -1):
            target = self.aliases.get(".".join(parts[:end]))
            if target is not None:
                return ".".join([target, *parts[end:]])
        return name

    def url(self, name: str) -> str | None:
        """Return the reference URL of ``name``, or None if it is not a known name."""
        return self.urls.get(self.canonical(name))

    def title(self, name: str) -> str:
        """Return the ``title`` of a link to ``name``: which reference it opens."""
        canonical = self.canonical(name)
        url = self.urls[canonical]
        if "keras.io" in url:
            return f"{canonical} in the Keras API reference (keras.io)"
        if canonical.startswith("keras"):
            return (
                f"{canonical} in the TensorFlow API reference "
                "(tf.keras; keras.io has no page for it)"
            )
        return f"{canonical} in the TensorFlow API reference"


@functools.cache
def load_index(folder: Path = MAPS) -> ApiIndex:
    """Read the maps ``*.json`` of ``folder`` written by :mod:`.apimap`."""
    urls: dict[str, str] = {}
    aliases: dict[str, str] = {}
    paths = sorted(folder.glob("*.json"))
    for path in paths:
        data = json.loads(path.read_text(encoding="utf-8"))
        if "names" not in data:
            continue  # the keras.io page tree the maps are built from
        base = data["base"]
        urls.update((name, urljoin(base, url)) for name, url in data["names"].items())
        aliases.update(data.get("aliases", {}))
    if not urls:
        msg = (
            f"folder must hold API maps (*.json with 'names'), got {paths} in {folder}"
        )
        raise ValueError(msg)
    return ApiIndex(urls=urls, aliases=aliases)


def import_aliases(code: str) -> dict[str, str]:
    r"""Return the ``tf``/``keras`` names that the imports in ``code`` bind.

    Lines that are not Python (IPython magics, shell escapes) are skipped.

    >>> import_aliases("import tensorflow as tf\nfrom keras import layers, ops as K")
    {'tf': 'tf', 'keras': 'keras', 'layers': 'keras.layers', 'K': 'keras.ops'}
    """
    return dict(_import_aliases(code))


# A page's code is read for its body's links and again for its code blocks'.
@functools.lru_cache(maxsize=1024)
def _import_aliases(code: str) -> tuple[tuple[str, str], ...]:
    aliases = dict(DEFAULT_ALIASES)
    for statement in _imports(code):
        if isinstance(statement, ast.Import):
            for alias in statement.names:
                if alias.asname is None:  # `import a.b` binds `a`
                    head = alias.name.split(".")[0]
                    aliases[head] = _api_name(head)
                else:
                    aliases[alias.asname] = _api_name(alias.name)
        elif statement.module is not None and statement.level == 0:
            for alias in statement.names:
                name = f"{statement.module}.{alias.name}"
                aliases[alias.asname or alias.name] = _api_name(name)
    return tuple(
        (name, target)
        for name, target in aliases.items()
        if target.split(".")[0] in DEFAULT_ALIASES
    )


def _imports(code: str) -> list[ast.Import | ast.ImportFrom]:
    try:
        tree = ast.parse(code)
    except SyntaxError:  # a cell with magics: read the import lines one by one
        statements = []
        for line in code.splitlines():
            try:
                statements.extend(ast.parse(line.strip()).body)
            except SyntaxError:
                continue
        tree = ast.Module(body=statements, type_ignores=[])
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
    ]


def _api_name(module: str) -> str:
    """``tensorflow.data`` -> ``tf.data``; other names are kept."""
    head, _, rest = module.partition(".")
    if head == "tensorflow":
        return f"tf.{rest}" if rest else "tf"
    return module


def link_code(code: str, *, index: ApiIndex, aliases: Mapping[str, str]) -> str:
    """Link the known names in the Pygments HTML ``code`` of one Python block.

    >>> index = ApiIndex(urls={"tf.constant": "https://example.org/c"}, aliases={})
    >>> code = (
    ...     '<span class="n">tf</span><span class="o">.</span>'
    ...     '<span class="n">constant</span><span class="p">(</span>'
    ... )
    >>> print(link_code(code, index=index, aliases={"tf": "tf"}))
    <a class="tfdocs-apilink reference external" href="https://example.org/c"
    title="tf.constant in the TensorFlow API reference"><span class="n">tf</span><span
    class="o">.</span><span class="n">constant</span></a><span class="p">(</span>
    """
    pieces = _EXISTING_LINK.split(code)
    for i in range(0, len(pieces), 2):  # odd pieces are links already
        pieces[i] = _CHAIN.sub(
            lambda match: _link_chain(match, index, aliases), pieces[i]
        )
    return "".join(pieces)


def _link_chain(
    match: re.Match[str], index: ApiIndex, aliases: Mapping[str, str]
) -> str:
    tokens = _TOKEN.findall(match.group(0))
    parts: list[str] = []
    best: tuple[int, str] | None = None  # (tokens linked, name)
    for position, token in enumerate(tokens):
        text = _TAG.sub("", token)
        if text == ".":
            continue
        for part in text.lstrip("@").split("."):
            if not parts:
                part = aliases.get(part, _api_name(part))
            parts.append(part)
        name = ".".join(parts)
        if index.url(name) is not None:
            best = (position + 1, name)
    if best is None:
        return match.group(0)
    count, name = best
    linked = "".join(tokens[:count])
    return _anchor(index, name, linked) + "".join(tokens[count:])


def _anchor(index: ApiIndex, name: str, inner_html: str) -> str:
    url = html.escape(index.url(name) or "", quote=True)
    title = html.escape(index.title(name), quote=True)
    return (
        f'<a class="{LINK_CLASS} reference external" href="{url}" title="{title}">'
        f"{inner_html}</a>"
    )


def link_page_body(body: str, *, index: ApiIndex) -> str:
    """Link names in every highlighted Python block of a page's HTML ``body``.

    The page's imports (read from all its Python blocks) decide the aliases.
    """
    blocks = [m for m in _BLOCK.finditer(body) if _is_python(m.group("language"))]
    if not blocks:
        return body
    source = "\n".join(html.unescape(_TAG.sub("", m.group("code"))) for m in blocks)
    aliases = import_aliases(source)

    def link_block(match: re.Match[str]) -> str:
        if not _is_python(match.group("language")):
            return match.group(0)
        code = link_code(match.group("code"), index=index, aliases=aliases)
        return match.group(1) + code + match.group(4)

    return _BLOCK.sub(link_block, body)


def _is_python(language: str) -> bool:
    return language.lower() in PYTHON_LANGUAGES


class LinkInlineNames(SphinxPostTransform):
    """Turn inline literals that name a known API into links to its reference."""

    default_priority = 900  # after references are resolved
    _skip = (nodes.reference, nodes.title, nodes.FixedTextElement, nodes.raw)

    def run(self, **kwargs: Any) -> None:
        """Wrap each matching ``literal`` of the document in a reference."""
        index = load_index()
        code = "\n".join(
            block.astext()
            for block in self.document.findall(nodes.literal_block)
            if _is_python(block.get("language", "default"))
        )
        aliases = import_aliases(code)
        for literal in list(self.document.findall(nodes.literal)):
            name = _prose_name(literal.astext(), aliases)
            if name is None or index.url(name) is None or self._inside_skipped(literal):
                continue
            reference = nodes.reference(
                "",
                "",
                refuri=index.url(name),
                reftitle=index.title(name),
                internal=False,
                classes=[LINK_CLASS],
            )
            literal.replace_self(reference)
            reference += literal

    def _inside_skipped(self, node: nodes.Node) -> bool:
        parent = node.parent
        while parent is not None:
            if isinstance(parent, self._skip):
                return True
            parent = parent.parent
        return False


def _prose_name(text: str, aliases: Mapping[str, str]) -> str | None:
    """Return the dotted API name an inline literal spells, with the page's aliases.

    >>> _prose_name("layers.Dense()", {"layers": "keras.layers"})
    'keras.layers.Dense'
    >>> _prose_name("x = tf.constant(1)", {}) is None
    True
    """
    name = text.removesuffix("()")
    if not re.fullmatch(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*", name):
        return None
    head, _, rest = name.partition(".")
    head = aliases.get(head, _api_name(head))
    return f"{head}.{rest}" if rest else head


def link_code_blocks(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Link the names in the highlighted Python blocks of each written page."""
    if "body" in context:
        context["body"] = link_page_body(context["body"], index=load_index())


def connect(app: Sphinx) -> None:
    """Register the prose transform and the code pass."""
    app.add_post_transform(LinkInlineNames)
    app.connect("html-page-context", link_code_blocks)
