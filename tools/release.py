"""Check the helpers' release files: contents, metadata, and the tag's version.

``nox -s dist`` runs it on ``dist/`` after ``twine check``. It fails, naming the
problem, if the wheel or sdist hold anything but the helpers' package and its
metadata files, if their version is not the one in ``helpers/pyproject.toml``,
or (in the release workflow, where ``TFDOCS_RELEASE_TAG`` is the pushed tag) if
the tag is not ``helpers-v<that version>``.
"""

from __future__ import annotations

import os
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).parents[1]
TAG_VARIABLE = "TFDOCS_RELEASE_TAG"


def check(dist: Path) -> list[str]:
    """Return the problems of the release files in ``dist`` (none: ready)."""
    project = tomllib.loads((ROOT / "helpers" / "pyproject.toml").read_text("utf-8"))
    version = project["project"]["version"]
    stem = f"tfdocs_helpers-{version}"
    problems = []
    wheel, sdist = dist / f"{stem}-py3-none-any.whl", dist / f"{stem}.tar.gz"
    for path in (wheel, sdist):
        if not path.is_file():
            problems.append(f"missing {path.name} (version {version})")
    if problems:
        return problems
    with zipfile.ZipFile(wheel) as archive:
        stray = [
            name
            for name in archive.namelist()
            if not name.startswith(("tfdocs_helpers/", f"{stem}.dist-info/"))
        ]
    problems += [f"{wheel.name} holds {name}" for name in stray]
    with tarfile.open(sdist) as archive:
        top = {name.split("/", 2)[1] for name in archive.getnames() if "/" in name}
    # hatchling always adds the .gitignore that applied to the build.
    allowed = {"src", "README.md", "LICENSE", "hatch_build.py", "pyproject.toml",
               "PKG-INFO", ".gitignore"}  # fmt: skip
    problems += [f"{sdist.name} holds {name}" for name in sorted(top - allowed)]
    tag = os.environ.get(TAG_VARIABLE)
    if tag is not None and tag != f"helpers-v{version}":
        problems.append(f"tag {tag!r} does not match the version: helpers-v{version}")
    return problems


def main(argv: list[str]) -> int:
    """Check ``argv[0]`` (default ``dist``); print the problems; 1 if any."""
    problems = check(Path(argv[0]) if argv else ROOT / "dist")
    for problem in problems:
        print(f"release: {problem}", file=sys.stderr)
    if not problems:
        print("release: the wheel and sdist hold the helpers only, at their version")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
