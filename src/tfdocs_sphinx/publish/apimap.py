"""The maps of public TensorFlow and Keras names to their API reference pages.

The site links ``tf.*`` and ``keras.*`` names to the official API reference
(:mod:`.apilinks`) without network access and without importing TensorFlow in
the Sphinx process. It reads the maps this module writes into ``apimaps/``
beside it from the installed, pinned TensorFlow and Keras::

    nox -s apilinks        # or: python -m tfdocs_sphinx.publish.apimap [FOLDER]

tensorflow.org's URL scheme is mechanical: every public name has a page named
by its canonical dotted path (``tf/math/reduce_sum``), methods are anchors of
their class page (``tf/data/Dataset#map``). keras.io's pages are not: its page
tree is keras-io's ``scripts/api_master.py``, whose page paths and the names
each page documents are kept in ``apimaps/keras_io_pages.json`` (a snapshot;
see its ``source``). A Keras name that no keras.io page documents links to its
``tf.keras`` page on tensorflow.org instead; the map records which.

Importing this module does not import TensorFlow; building the maps does.
"""

from __future__ import annotations

import inspect
import json
import string
import sys
from collections import Counter
from collections.abc import Iterator, Mapping
from importlib.metadata import version
from pathlib import Path
from types import ModuleType
from typing import Any

__all__ = [
    "KERAS_IO",
    "TENSORFLOW_ORG",
    "keras_io_anchor",
    "keras_map",
    "tensorflow_map",
    "write_maps",
]

TENSORFLOW_ORG = "https://www.tensorflow.org/api_docs/python/"
KERAS_IO = "https://keras.io/api/"
FOLDER = Path(__file__).parent / "apimaps"
# Huge or legacy namespaces nobody writes in prose: thousands of names, no value.
TF_SKIPPED = frozenset({"tf.compat.v1", "tf.compat.v2", "tf.raw_ops"})


def tensorflow_map() -> dict[str, Any]:
    """Map every public ``tf.*`` name to its path under :data:`TENSORFLOW_ORG`.

    Modules of Keras that ``tf`` re-exports (``tf.keras``, ``tf.losses``, ...)
    are not walked: they are listed under ``"aliases"`` as the ``keras.*``
    module they are, so they link where ``keras.*`` names do.
    """
    import tensorflow as tf
    from tensorflow.python.util import tf_export

    aliases: dict[str, str] = {}
    objects = dict(_walk("tf", tf, aliases))
    names: dict[str, str] = {}
    for name, obj in objects.items():
        if inspect.ismodule(obj):
            names[name] = name.replace(".", "/")
            continue
        canonical = _tf_canonical(tf_export, obj, name, objects)
        names[name] = canonical.replace(".", "/")
        if inspect.isclass(obj):
            for member in _methods(obj):
                names[f"{name}.{member}"] = f"{names[name]}#{member}"
    return {
        "source": f"tensorflow {version('tensorflow')}",
        "base": TENSORFLOW_ORG,
        "aliases": dict(sorted(aliases.items())),
        "names": dict(sorted(names.items())),
    }


def _walk(
    prefix: str, module: ModuleType, aliases: dict[str, str]
) -> Iterator[tuple[str, Any]]:
    yield prefix, module
    for attr in sorted(dir(module)):
        if attr.startswith("_"):
            continue
        name = f"{prefix}.{attr}"
        obj = getattr(module, attr)
        if not inspect.ismodule(obj):
            yield name, obj
        elif obj.__name__.startswith("keras."):
            aliases[name] = _keras_module_name(obj.__name__)
        elif _is_tf_api_module(obj) and name not in TF_SKIPPED:
            yield from _walk(name, obj, aliases)


def _is_tf_api_module(module: ModuleType) -> bool:
    """Whether ``module`` is one of the generated ``tf.*`` API modules.

    Some (``tf.experimental``) are renamed, so their file tells, not their name;
    others (``tf.dtensor``) are implementation packages that are not API.
    """
    return (
        "/tensorflow/_api/v2/" in Path(getattr(module, "__file__", "") or "").as_posix()
    )


def _keras_module_name(module: str) -> str:
    """``keras._tf_keras.keras.losses`` -> ``keras.losses``."""
    return "keras" + module.split("keras._tf_keras.keras", 1)[-1]


def _tf_canonical(
    tf_export: ModuleType, obj: Any, name: str, objects: Mapping[str, Any]
) -> str:
    """Return the name tensorflow.org files ``obj`` under, as its doc generator picks it."""
    try:
        canonical = tf_export.get_canonical_name_for_symbol(obj)
    except AttributeError:
        canonical = None
    if canonical is not None and objects.get(f"tf.{canonical}") is obj:
        return f"tf.{canonical}"
    return name


def _methods(cls: type) -> list[str]:
    """Public methods of ``cls`` not inherited from ``object``."""
    found = []
    for attr in dir(cls):
        if attr.startswith("_") or hasattr(object, attr):
            continue
        try:
            value = inspect.getattr_static(cls, attr)
        except AttributeError:
            continue
        if isinstance(value, (staticmethod, classmethod)) or inspect.isfunction(value):
            found.append(attr)
    return sorted(found)


def keras_io_anchor(name: str, kind: str) -> str:
    """Return the id keras.io gives the heading of ``name`` on its page.

    keras.io titles each entry "`name` kind" and turns the title into an id by
    lowercasing it, dropping punctuation (underscores included) and replacing
    spaces by hyphens.

    >>> keras_io_anchor("image_dataset_from_directory", "function")
    'imagedatasetfromdirectory-function'
    >>> keras_io_anchor("Dense", "class")
    'dense-class'
    """
    title = f"{name} {kind}".lower()
    return title.translate(str.maketrans("", "", string.punctuation)).replace(" ", "-")


def keras_map(pages: Mapping[str, list[str]] | None = None) -> dict[str, Any]:
    """Map every public ``keras.*`` name to its keras.io page (or tf.keras page).

    ``pages`` maps keras.io page paths (under :data:`KERAS_IO`) to the names each
    documents; by default the snapshot in ``apilinks/keras_io_pages.json``. A
    name is found on keras.io when its object is documented there under any
    name (``keras.models.Model`` is ``keras.Model``); a module links to the
    folder of its members' pages. Other names link to tensorflow.org's
    ``tf.keras`` page, if ``tf.keras`` has them, and are listed as fallbacks.
    """
    import keras
    from keras._tf_keras import keras as tf_keras

    snapshot = _keras_io_pages()
    pages = snapshot["pages"] if pages is None else pages
    objects = dict(_walk_keras("keras", keras))
    documented: dict[int, str] = {}  # id(object) -> its URL on keras.io
    for page, entries in pages.items():
        for entry in entries:
            obj = _resolve(keras, entry)
            if obj is not None and id(obj) not in documented:
                leaf, kind = _keras_kind(obj, entry)
                documented[id(obj)] = f"{page}#{keras_io_anchor(leaf, kind)}"
    names: dict[str, str] = {}
    fallbacks: list[str] = []
    for name, obj in objects.items():
        url = documented.get(id(obj))
        if url is None and inspect.ismodule(obj):
            url = _module_page(name, documented, objects)
        if url is None and _resolve(tf_keras, name) is not None:
            url = TENSORFLOW_ORG + "tf/" + name.replace(".", "/")
            fallbacks.append(name)
        if url is not None:
            names[name] = url
        if inspect.isclass(obj):
            for member in _public_attributes(obj):
                member_url = documented.get(id(inspect.getattr_static(obj, member)))
                if member_url is not None:
                    names[f"{name}.{member}"] = member_url
    return {
        "source": f"keras {version('keras')}; {snapshot['source']}",
        "base": KERAS_IO,
        "aliases": {},
        "names": dict(sorted(names.items())),
        "fallbacks": sorted(fallbacks),
    }


def _walk_keras(prefix: str, module: ModuleType) -> Iterator[tuple[str, Any]]:
    """Public names of Keras' API modules (``keras.layers``, not ``keras.src``)."""
    yield prefix, module
    for attr in sorted(dir(module)):
        if attr.startswith("_"):
            continue
        obj = getattr(module, attr)
        name = f"{prefix}.{attr}"
        if not inspect.ismodule(obj):
            yield name, obj
        elif obj.__name__ == name and name != "keras.src":
            yield from _walk_keras(name, obj)


def _public_attributes(cls: type) -> list[str]:
    return sorted(
        attr
        for attr in dir(cls)
        if not attr.startswith("_") and not hasattr(object, attr)
    )


def _resolve(root: ModuleType, dotted: str) -> Any:
    obj: Any = root
    for part in dotted.split(".")[1:]:
        try:
            obj = inspect.getattr_static(obj, part)
        except AttributeError:
            return None
    return obj


def _keras_kind(obj: Any, entry: str) -> tuple[str, str]:
    """Return the name and kind keras.io titles ``obj`` with (mirrors its docstrings.py)."""
    if inspect.isclass(obj):
        return obj.__name__, "class"
    if isinstance(obj, property) and obj.fget is not None:
        return obj.fget.__name__, "property"
    function = obj.__func__ if isinstance(obj, (staticmethod, classmethod)) else obj
    qualname = getattr(function, "__qualname__", entry.rsplit(".", 1)[-1])
    kind = "method" if "." in qualname.split(".<locals>")[-1] else "function"
    return getattr(function, "__name__", entry.rsplit(".", 1)[-1]), kind


def _module_page(
    name: str, documented: Mapping[int, str], objects: Mapping[str, Any]
) -> str | None:
    """Return the keras.io folder of a module.

    That is the common folder of its descendants' pages, else the top folder
    holding most of them.
    """
    if name == "keras":
        return ""  # the API reference's front page
    pages = [
        documented[id(obj)].split("#", 1)[0].strip("/").split("/")
        for descendant, obj in objects.items()
        if descendant.startswith(f"{name}.") and id(obj) in documented
    ]
    if not pages:
        return None
    common: list[str] = []
    for parts in zip(*pages, strict=False):
        if len(set(parts)) > 1:
            break
        common.append(parts[0])
    if not common:
        common = [Counter(page[0] for page in pages).most_common(1)[0][0]]
    return "/".join(common) + "/"


def _keras_io_pages() -> dict[str, Any]:
    pages: dict[str, Any] = json.loads(
        (FOLDER / "keras_io_pages.json").read_text(encoding="utf-8")
    )
    return pages


def write_maps(folder: Path = FOLDER) -> list[Path]:
    """Write ``tensorflow.json`` and ``keras.json`` into ``folder``."""
    written = []
    for stem, build in (("tensorflow", tensorflow_map), ("keras", keras_map)):
        path = folder / f"{stem}.json"
        path.write_text(
            json.dumps(build(), indent=0, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    """Write the maps into the folder given as the only argument, or ``apimaps/``."""
    args = sys.argv[1:] if argv is None else argv
    for path in write_maps(Path(args[0]) if args else FOLDER):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
