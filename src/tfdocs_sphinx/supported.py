"""Refuse to build with a version of a library whose internals the machinery uses.

The executor mirrors myst-nb's parser and writes jupyter-cache's records itself,
the gallery hooks into sphinx-gallery's configuration, and the sitemap feeds
sphinx-sitemap's queue through its own handler: a release of one of
them can change what those internals do without changing its public API. The
supported ranges are the ones ``pyproject.toml`` declares (read back from the
installed distribution's metadata, so they are stated once); a build with
another version stops at once, naming the library and the range.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Callable, Iterable

from packaging.requirements import Requirement
from packaging.version import Version
from sphinx.errors import ExtensionError

__all__ = ["INTERNALS_USED", "UnsupportedVersionError", "check_versions"]

#: The distributions whose internals the machinery uses.
INTERNALS_USED = (
    "sphinx", "myst-parser", "myst-nb", "jupyter-cache", "sphinx-gallery", "sphinx-sitemap",
)  # fmt: skip
DISTRIBUTION = "tfdocs_sphinx"


class UnsupportedVersionError(ExtensionError):
    """An installed library is outside the range the machinery supports."""


def supported_ranges(
    names: Iterable[str] = INTERNALS_USED,
    *,
    requires: Callable[[str], list[str] | None] = importlib.metadata.requires,
) -> dict[str, str]:
    """Return the declared range of each of ``names``, e.g. ``{"myst-nb": "<1.5,>=1.4"}``.

    >>> fake = lambda _: ["myst-nb<1.5,>=1.4", "nbformat>=5"]
    >>> supported_ranges(["myst-nb"], requires=fake)
    {'myst-nb': '<1.5,>=1.4'}
    """
    declared = {}
    for line in requires(DISTRIBUTION) or []:
        requirement = Requirement(line)
        declared[requirement.name] = str(requirement.specifier)
    return {name: declared[name] for name in names if name in declared}


def check_versions(
    *,
    version: Callable[[str], str] = importlib.metadata.version,
    requires: Callable[[str], list[str] | None] = importlib.metadata.requires,
) -> None:
    """Raise :class:`UnsupportedVersionError` for each library outside its range.

    >>> check_versions(version=lambda _: "1.4.0", requires=lambda _: ["myst-nb<1.5"])
    >>> check_versions(version=lambda _: "1.5.0", requires=lambda _: ["myst-nb<1.5"])
    Traceback (most recent call last):
    ...
    tfdocs_sphinx.supported.UnsupportedVersionError: myst-nb 1.5.0 is installed, but tfdocs_sphinx supports myst-nb<1.5 only (it uses its internals): install a supported version (nox -s docs installs the locked one), or widen the range in pyproject.toml after checking the internals it uses.
    """
    problems = []
    for name, specifier in supported_ranges(requires=requires).items():
        installed = version(name)
        if Version(installed) not in Requirement(f"{name}{specifier}").specifier:
            problems.append(f"{name} {installed} is installed, but {DISTRIBUTION} "
                            f"supports {name}{specifier} only")  # fmt: skip
    if problems:
        msg = (
            "; ".join(problems) + " (it uses its internals): install a supported "
            "version (nox -s docs installs the locked one), or widen the range in "
            "pyproject.toml after checking the internals it uses."
        )
        raise UnsupportedVersionError(msg)
