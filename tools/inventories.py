"""Write the local Sphinx inventories (objects.inv) that link the site offline.

The site links Python, NumPy, Matplotlib and scikit-learn names with
``sphinx.ext.intersphinx``, from inventory files kept in ``docs/_inventories``:
the build never reaches the network. ``nox -s inventories`` runs this script
after an upgrade of one of those libraries; it writes:

``python.inv``
    The inventory of the Python 3.11 documentation, copied as is from Debian's
    ``python3.11-doc`` package (``apt-get install python3.11-doc``), which ships
    the HTML documentation that Sphinx built from CPython's sources, with its
    ``objects.inv``. Nothing here can generate it better: the layout of the
    Python docs is not derived from the modules.
``numpy.inv``, ``matplotlib.inv``, ``sklearn.inv``
    Generated with sphobjinv from the **installed** packages (the versions in
    uv.lock), by walking their public API: NumPy's top-level functions and
    classes, ``ndarray`` and ``random.Generator``; Matplotlib's ``pyplot``,
    ``Axes`` and ``Figure``; every public name of scikit-learn's submodules.
    Each name gets the URL that the project's documentation gives it (its
    autosummary page; the patterns are the constants below), so only names
    whose page follows the pattern are listed.

The files are small, committed, and read by conf.py's ``intersphinx_mapping``.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import inspect
import shutil
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import sphobjinv as soi

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "_inventories"
DEBIAN_PYTHON_INV = Path("/usr/share/doc/python3.11/html/objects.inv")

NUMPY_PAGE = "reference/generated/{name}.html#$"
NUMPY_SCALAR = "reference/arrays.scalars.html#$"
NUMPY_RANDOM = "reference/random/generator.html#$"
NUMPY_RANDOM_METHOD = "reference/random/generated/{name}.html#$"
NUMPY_TYPING = "reference/typing.html#$"
MATPLOTLIB_PAGE = "api/_as_gen/{name}.html#$"
SKLEARN_PAGE = "modules/generated/{name}.html#$"
SKLEARN_MEMBER = "modules/generated/{owner}.html#$"

Entry = tuple[str, str, str]  # (name, role, uri)


def _public(names: list[str]) -> list[str]:
    return sorted(name for name in names if not name.startswith("_"))


def _role(obj: object) -> str | None:
    if inspect.isclass(obj):
        return "exception" if issubclass(obj, BaseException) else "class"
    if callable(obj):
        return "function"
    return None


def _members(cls: type, prefix: str) -> Iterator[tuple[str, str]]:
    """(full name, role) of the public methods and attributes of a class."""
    for name in _public(dir(cls)):
        value = inspect.getattr_static(cls, name)
        role = "method" if callable(value) else "attribute"
        yield f"{prefix}.{name}", role


def numpy_entries() -> Iterator[Entry]:
    """NumPy's top level, ``ndarray``, ``random.Generator`` and ``typing``."""
    import numpy as np

    for name in _public(dir(np)):
        obj = getattr(np, name)
        if isinstance(obj, ModuleType):
            continue
        full = f"numpy.{name}"
        if inspect.isclass(obj) and issubclass(obj, np.generic):
            yield full, "class", NUMPY_SCALAR
        elif (role := _role(obj)) is not None:
            yield full, role, NUMPY_PAGE.format(name=full)
    for full, role in _members(np.ndarray, "numpy.ndarray"):
        yield full, role, NUMPY_PAGE.format(name=full)
    yield "numpy.random.default_rng", "function", NUMPY_RANDOM
    yield "numpy.random.Generator", "class", NUMPY_RANDOM
    for full, role in _members(np.random.Generator, "numpy.random.Generator"):
        if role == "method":
            yield full, role, NUMPY_RANDOM_METHOD.format(name=full)
    for name in ("ArrayLike", "DTypeLike", "NDArray"):
        yield f"numpy.typing.{name}", "data", NUMPY_TYPING
    # The glossary terms of the numpydoc docstring convention.
    for term in ("array_like",):
        yield term, "std:term", f"glossary.html#term-{term}"


def matplotlib_entries() -> Iterator[Entry]:
    """``pyplot``'s functions, ``Axes`` and ``Figure`` and their methods."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.axes
    import matplotlib.figure
    import matplotlib.pyplot as plt

    for name in _public(dir(plt)):
        obj = getattr(plt, name)
        if inspect.isfunction(obj) and obj.__module__ == "matplotlib.pyplot":
            yield f"matplotlib.pyplot.{name}", "function", MATPLOTLIB_PAGE.format(name=f"matplotlib.pyplot.{name}")  # fmt: skip
    for cls, full in (
        (matplotlib.axes.Axes, "matplotlib.axes.Axes"),
        (matplotlib.figure.Figure, "matplotlib.figure.Figure"),
    ):
        yield full, "class", MATPLOTLIB_PAGE.format(name=full)
        for member, role in _members(cls, full):
            if role == "method":
                yield member, role, MATPLOTLIB_PAGE.format(name=member)


def sklearn_entries() -> Iterator[Entry]:
    """Every public function and class of scikit-learn's public submodules."""
    import sklearn

    for module_name in sorted(sklearn.__all__):
        try:
            module = importlib.import_module(f"sklearn.{module_name}")
        except ImportError:
            continue
        if not isinstance(module, ModuleType):
            continue
        for name in _public(getattr(module, "__all__", [])):
            try:
                obj = getattr(module, name)
            except ImportError:  # experimental: needs an explicit enable_* import
                continue
            role = _role(obj)
            if role is None:
                continue
            full = f"sklearn.{module_name}.{name}"
            yield full, role, SKLEARN_PAGE.format(name=full)
            if inspect.isclass(obj):
                for member, member_role in _members(obj, full):
                    if member_role == "method":
                        yield member, member_role, SKLEARN_MEMBER.format(owner=full)


def write_inventory(path: Path, project: str, version: str, entries: Iterator[Entry]) -> int:  # fmt: skip
    """Write a compressed objects.inv; return the number of objects."""
    inventory = soi.Inventory()
    inventory.project = project
    inventory.version = version
    seen = set()
    for name, role, uri in entries:
        if name in seen:
            continue
        seen.add(name)
        domain, _, role = role.rpartition(":")
        inventory.objects.append(
            soi.DataObjStr(
                name=name,
                domain=domain or "py",
                role=role,
                priority="1" if domain != "std" else "-1",
                uri=uri,
                dispname="-",
            )
        )
    text = inventory.data_file(contract=True)
    soi.writebytes(str(path), soi.compress(text))
    return len(inventory.objects)


def main() -> None:
    """Write every inventory into docs/_inventories."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--python-inv",
        type=Path,
        default=DEBIAN_PYTHON_INV,
        help="the objects.inv of the Python 3.11 docs (Debian's python3.11-doc)",
    )
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    if args.python_inv.is_file():
        shutil.copyfile(args.python_inv, OUT / "python.inv")
        print(f"python.inv: copied from {args.python_inv}")
    else:
        print(f"python.inv: kept ({args.python_inv} is missing: apt-get install python3.11-doc)")  # fmt: skip
    for project, distribution, entries in (
        ("NumPy", "numpy", numpy_entries),
        ("Matplotlib", "matplotlib", matplotlib_entries),
        ("scikit-learn", "scikit-learn", sklearn_entries),
    ):
        version = importlib.metadata.version(distribution)
        name = "sklearn" if distribution == "scikit-learn" else distribution
        count = write_inventory(OUT / f"{name}.inv", project, version, entries())
        print(f"{name}.inv: {count} objects from {project} {version}")


if __name__ == "__main__":
    main()
