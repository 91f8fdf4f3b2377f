"""What a page or script imports, and the one command that installs it.

A reader who copies a page's code, or downloads an example, needs to install
exactly what it imports. This module reads the imports from the code, maps each
module to the distribution installed in the build's environment that provides
it, and writes the ``pip install`` command (and the notebook cell) that installs
those distributions:

* a distribution the site serves as a wheel (its own helpers) by that wheel's URL;
* the *pinned* distributions (TensorFlow and Keras) at the exact version the
  outputs were made with, whenever the code needs them, directly or through
  another requirement: they decide what the outputs are;
* any other distribution by its name, unpinned, and only if no other requirement
  already brings it (so ``h5py`` or ``numpy`` are left to TensorFlow's own
  requirements), so that installing into Colab's environment never downgrades
  what Colab has already imported.

Nothing here imports the modules it looks at; the standard library's modules are
known to the interpreter (:data:`sys.stdlib_module_names`).
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import shlex
import sys
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache

from packaging.requirements import InvalidRequirement
from packaging.requirements import Requirement as _PackagingRequirement
from packaging.utils import canonicalize_name

__all__ = [
    "Requirement",
    "imported_modules",
    "install_cell",
    "pip_command",
    "resolve",
]

#: Lines that IPython reads but Python can't: magics, shell escapes, help.
_IPYTHON_LINE = re.compile(r"^\s*(%|!|\?)|\?\s*$")


@dataclass(frozen=True, order=True)
class Requirement:
    """One argument of ``pip install``.

    Parameters
    ----------
    name : str
        The distribution's canonical name (``scikit-learn``, ``tfdocs-helpers``).
    version : str or None
        The exact version to install, or ``None`` for any.
    url : str or None
        Where the site serves the distribution's wheel, if it does.

    Examples
    --------
    >>> str(Requirement("tensorflow", version="2.21.0"))
    'tensorflow==2.21.0'
    >>> str(Requirement("tensorboard"))
    'tensorboard'
    >>> str(Requirement("tfdocs-helpers", url="https://site/h-0.1-py3-none-any.whl"))
    'https://site/h-0.1-py3-none-any.whl'
    """

    name: str
    version: str | None = None
    url: str | None = None

    def __str__(self) -> str:
        """Return the requirement as pip takes it on its command line."""
        if self.url is not None:
            return self.url
        if self.version is not None:
            return f"{self.name}=={self.version}"
        return self.name


def imported_modules(code: str) -> frozenset[str]:
    r"""Return the dotted names of the modules that a piece of Python code imports.

    Only absolute imports count (a relative import is part of the code's own
    package). Lines that only IPython understands (``%magic``, ``!shell``) are
    skipped, so notebook cells can be passed as they are.

    Parameters
    ----------
    code : str
        Python source: a script, or notebook cells joined by newlines.

    Returns
    -------
    frozenset of str
        Module names such as ``"tensorflow"`` or ``"matplotlib.pyplot"``;
        for ``from a.b import c``, ``"a.b"``.

    Raises
    ------
    TypeError
        If `code` is not a string.
    SyntaxError
        If `code` is not valid Python once the IPython-only lines are removed.

    Examples
    --------
    >>> sorted(imported_modules("import numpy as np\nfrom keras import layers"))
    ['keras', 'numpy']
    >>> sorted(imported_modules("%matplotlib inline\nimport matplotlib.pyplot"))
    ['matplotlib.pyplot']
    >>> sorted(imported_modules("from . import sibling\nfrom __future__ import a"))
    []
    """
    if not isinstance(code, str):  # callers without type checking
        msg = f"code must be a str; got {type(code).__name__}"  # type: ignore[unreachable]
        raise TypeError(msg)
    return _modules_imported_by(code)


# A page's code is parsed for its install box and again for its notebook.
@lru_cache(maxsize=1024)
def _modules_imported_by(code: str) -> frozenset[str]:
    python = "\n".join(
        "" if _IPYTHON_LINE.search(line) else line for line in code.splitlines()
    )
    modules: set[str] = set()
    for node in ast.walk(ast.parse(python)):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
    modules.discard("__future__")
    return frozenset(modules)


def resolve(
    modules: Iterable[str],
    *,
    pinned: Collection[str] = (),
    served: Mapping[str, str] | None = None,
) -> list[Requirement]:
    """Return what to install so that every module in `modules` can be imported.

    Distributions are looked up in the running interpreter's environment, which
    is the one the outputs were made in.

    Parameters
    ----------
    modules : iterable of str
        Dotted module names, as :func:`imported_modules` returns them.
    pinned : collection of str
        Distributions to install at their exact installed version whenever
        they are needed, directly or as a dependency of another requirement.
    served : mapping of str to str, optional
        Distribution name to the URL of the wheel the site serves for it.

    Returns
    -------
    list of Requirement
        Pinned requirements first (in the order of `pinned`), then the others
        by name, then the served wheels.

    Raises
    ------
    LookupError
        If no installed distribution provides one of the modules.

    Examples
    --------
    >>> [str(r) for r in resolve(["json", "packaging.version"])]
    ['packaging']
    """
    pinned_names: list[str] = [canonicalize_name(name) for name in pinned]
    urls: dict[str, str] = {
        canonicalize_name(name): url for name, url in (served or {}).items()
    }
    needed = {
        _distribution_of(module, served=urls)
        for module in modules
        if module.partition(".")[0] not in sys.stdlib_module_names
    }
    brought = set().union(*(_closure(name) - {name} for name in needed))
    wanted = {name for name in needed if name not in brought or name in pinned_names}
    closure = set().union(*(_closure(name) for name in wanted))
    wanted |= {name for name in pinned_names if name in closure}

    def requirement(name: str) -> Requirement:
        if name in urls:
            return Requirement(name, url=urls[name])
        if name in pinned_names:
            return Requirement(name, version=importlib.metadata.version(name))
        return Requirement(name)

    order: dict[str, int] = {name: index for index, name in enumerate(pinned_names)}
    return sorted(
        (requirement(name) for name in wanted),
        key=lambda r: (r.url is not None, order.get(r.name, len(order)), r.name),
    )


def pip_command(requirements: Iterable[Requirement]) -> str:
    """Return the ``pip install`` command line for `requirements`.

    Examples
    --------
    >>> pip_command([Requirement("keras", version="3.15.1"), Requirement("a b")])
    "pip install keras==3.15.1 'a b'"
    """
    return shlex.join(["pip", "install", *map(str, requirements)])


def install_cell(requirements: Iterable[Requirement], *, command: str) -> str:
    """Return a notebook cell that installs `requirements` where they are missing.

    The cell checks, without importing anything, that each distribution is
    installed (at the pinned version where there is one) and otherwise runs
    pip with the running interpreter, as on Colab. Where everything is in place
    it does nothing.

    Parameters
    ----------
    requirements : iterable of Requirement
        What the notebook imports, from :func:`resolve`.
    command : str
        The command the page shows, quoted in the cell's comment.

    Examples
    --------
    >>> cell = install_cell([Requirement("keras", version="3.15.1")], command="...")
    >>> namespace = {}
    >>> exec(cell.replace("subprocess.run", "print"), namespace)  # installed: no-op
    """
    requirements = list(requirements)
    wanted = {
        r.name: r.version if r.url is None else _url_version(r.url)
        for r in requirements
    }
    args = ", ".join(repr(str(r)) for r in requirements)
    return (
        "# Installs what this notebook imports where it is missing (on Colab, say),\n"
        f'# as the page\'s "Run it yourself" box says: {command}\n'
        "# Where all of it is installed already, this cell does nothing.\n"
        "import importlib.metadata\n"
        "import subprocess\n"
        "import sys\n"
        "\n"
        "\n"
        "def installed(name):\n"
        "    try:\n"
        "        return importlib.metadata.version(name)\n"
        "    except importlib.metadata.PackageNotFoundError:\n"
        "        return None\n"
        "\n"
        "\n"
        f"wanted = {wanted!r}  # name: exact version, or None for any\n"
        "if any(\n"
        "    installed(name) is None or version not in (None, installed(name))\n"
        "    for name, version in wanted.items()\n"
        "):\n"
        "    subprocess.run(\n"
        f"        [sys.executable, '-m', 'pip', 'install', '--quiet', {args}],\n"
        "        check=True,\n"
        "    )"
    )


def _url_version(url: str) -> str | None:
    """Return the version in a wheel's file name (``name-version-...whl``), if any."""
    parts = url.rsplit("/", 1)[-1].split("-")
    return parts[1] if url.endswith(".whl") and len(parts) >= 5 else None


def _distribution_of(module: str, *, served: Mapping[str, str]) -> str:
    """Return the canonical name of the installed distribution providing `module`."""
    top = module.partition(".")[0]
    if canonicalize_name(top) in served:
        return canonicalize_name(top)
    return _installed_distribution_of(module)


@cache
def _installed_distribution_of(module: str) -> str:
    """Return the installed distribution of `module` (a namespace package: by files)."""
    top = module.partition(".")[0]
    candidates = _packages_distributions().get(top, [])
    if len(candidates) > 1:  # a namespace package: find the one with the module
        path = module.replace(".", "/")
        candidates = [
            name
            for name in candidates
            if any(
                str(file).startswith((f"{path}/", f"{path}.py"))
                for file in importlib.metadata.files(name) or ()
            )
        ] or candidates[:1]
    if not candidates:
        msg = f"no installed distribution provides the module {module!r}"
        raise LookupError(msg)
    return canonicalize_name(candidates[0])


@cache
def _packages_distributions() -> Mapping[str, list[str]]:
    mapping = dict(importlib.metadata.packages_distributions())
    # Editable installs (this site's own packages) list no files: add them by name.
    for dist in importlib.metadata.distributions():
        name = dist.metadata["Name"]
        mapping.setdefault(name.replace("-", "_").lower(), [name])
    return mapping


@cache
def _closure(name: str) -> frozenset[str]:
    """`name` and every distribution it requires, recursively (no extras)."""
    seen = {name}
    todo = [name]
    environment = {"extra": ""}  # evaluated over this interpreter's default environment
    while todo:
        try:
            requires = importlib.metadata.requires(todo.pop()) or []
        except importlib.metadata.PackageNotFoundError:
            continue
        for line in requires:
            try:
                requirement = _PackagingRequirement(line)
            except InvalidRequirement:
                continue
            if requirement.marker and not requirement.marker.evaluate(environment):
                continue
            dependency = canonicalize_name(requirement.name)
            if dependency not in seen:
                seen.add(dependency)
                todo.append(dependency)
    return frozenset(seen)
