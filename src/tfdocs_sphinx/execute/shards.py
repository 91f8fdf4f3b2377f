"""Split the execution of a site over machines, and merge what they executed.

A shard build (``TFDOCS_SHARD=2/3``, the ``tfdocs_shard`` setting) executes
only its share of the notebook pages and gallery examples; every other one is
read and shown, not executed, as with ``TFDOCS_ONLY``. What it executed is its
product: the pages in ``_build/.jupyter_cache`` (each with its run) and, in the
gallery's folders, the generated files of the examples it ran (each with its
run, :func:`.gallery.run_path`).
``python -m tfdocs_sphinx.execute.shards merge ROOT SHARD...`` adds each shard's
product to the clone ``ROOT``: the pages through jupyter-cache's own API, the
examples' files copied. A build of ``ROOT`` then executes nothing and makes the
same site as a build on one machine.

The shares (:func:`assign`) follow the longest-processing-time rule: longest
first, each unit to the least loaded shard, by the seconds each took in the
last build's run record, else the site's committed seconds
(:func:`.order.expected_seconds`); a unit neither knows counts as the mean of
those known (1 s with none). Ties go by name, so machines with the same
sources and the same record (or none: a CI runner) compute the same shares.
``python -m tfdocs_sphinx.execute.shards plan --seconds S`` prints the number of
shards that keeps each near ``S`` seconds of execution, as JSON for a CI matrix.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import runpy
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tfdocs_sphinx.execute.order import expected_seconds
from tfdocs_sphinx.runs import read_record

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from sphinx.application import Sphinx
    from sphinx.config import Config

__all__ = ["assign", "merge", "parse_shard", "plan", "site_units"]

#: What a unit the run record does not know counts as, without any record.
_UNKNOWN_SECONDS = 1.0


def parse_shard(text: str) -> tuple[int, int] | None:
    """Read ``"i/N"`` (shard ``i`` of ``N``, from 1); ``""`` means no sharding.

    >>> parse_shard("2/3"), parse_shard("")
    ((2, 3), None)
    """
    if not text:
        return None
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if match is None or not 1 <= int(match[1]) <= int(match[2]):
        msg = f"tfdocs_shard must be 'i/N' with 1 <= i <= N; got {text!r}"
        raise ValueError(msg)
    return int(match[1]), int(match[2])


def assign(seconds: Mapping[str, float | None], shards: int) -> list[list[str]]:
    """Share units among ``shards`` shards, balanced by their expected seconds.

    Parameters
    ----------
    seconds
        Each unit's seconds in the last build; ``None`` where unknown (counted
        as the mean of the known ones, or 1 s if none is known).
    shards
        How many shares to make (at least 1).

    Returns
    -------
    list of list of str
        The units of each shard, sorted by name.

    Examples
    --------
    >>> assign({"a": 9.0, "b": 5.0, "c": 4.0, "d": None}, 2)  # d counts as 6 s
    [['a', 'c'], ['b', 'd']]
    >>> assign({"a": None, "b": None, "c": None}, 2)
    [['a', 'c'], ['b']]
    """
    if shards < 1:
        msg = f"shards must be at least 1; got {shards!r}"
        raise ValueError(msg)
    expected = _expected(seconds)
    loads = [0.0] * shards
    shares: list[list[str]] = [[] for _ in range(shards)]
    for name in sorted(expected, key=lambda n: (-expected[n], n)):
        lightest = min(range(shards), key=lambda i: (loads[i], i))
        loads[lightest] += expected[name]
        shares[lightest].append(name)
    return [sorted(share) for share in shares]


def _expected(seconds: Mapping[str, float | None]) -> dict[str, float]:
    """Each unit's expected seconds: an unknown one counts as the known ones' mean."""
    known = [s for s in seconds.values() if s is not None]
    if any(not math.isfinite(s) or s < 0 for s in known):
        msg = "seconds must be finite and not negative"
        raise ValueError(msg)
    default = sum(known) / len(known) if known else _UNKNOWN_SECONDS
    return {name: default if s is None else s for name, s in seconds.items()}


# -- The units of a site -----------------------------------------------------


def site_units(srcdir: Path, gallery_conf: Mapping[str, Any]) -> dict[str, Path]:
    """Map every unit a build executes, by docname, to its source file.

    Units are the notebook pages of ``srcdir`` (``.ipynb``, and ``.md`` files
    myst-nb reads as notebooks; not in folders starting with ``_`` or ``.``)
    and the gallery examples that sphinx-gallery executes (matching its
    ``filename_pattern`` and not its ``ignore_pattern``), each under the
    docname of the page generated from it.
    """
    from myst_nb.core.read import is_myst_markdown_notebook

    examples_dirs = _names(gallery_conf.get("examples_dirs", []))
    gallery_dirs = _names(gallery_conf.get("gallery_dirs", []))
    generated = {Path(srcdir, name).resolve() for name in gallery_dirs}
    units: dict[str, Path] = {}
    for path in sorted(srcdir.rglob("*")):
        relative = path.relative_to(srcdir)
        if (
            path.suffix not in {".md", ".ipynb"}
            or relative.parts[0].startswith(("_", "."))
            or any(path.resolve().is_relative_to(folder) for folder in generated)
        ):
            continue
        if path.suffix == ".ipynb" or is_myst_markdown_notebook(
            path.read_text(encoding="utf-8")
        ):
            units[relative.with_suffix("").as_posix()] = path
    pattern = str(gallery_conf.get("filename_pattern", "/plot"))
    ignore = str(gallery_conf.get("ignore_pattern", r"__init__\.py"))
    for source, target in zip(examples_dirs, gallery_dirs, strict=False):
        # As sphinx-gallery names a script when it matches its patterns.
        folder = Path(os.path.normpath(Path(srcdir, source)))
        for script in sorted(folder.rglob("*.py")):
            if re.search(pattern, str(script)) and not re.search(ignore, str(script)):
                name = script.relative_to(folder).with_suffix("").as_posix()
                units[f"{target}/{name}"] = script
    return units


def _names(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [str(item) for item in value]
    return []


def _is_example(docname: str, gallery_conf: Mapping[str, Any]) -> bool:
    return docname.startswith(
        tuple(f"{name}/" for name in _names(gallery_conf.get("gallery_dirs", [])))
    )


def restrict_to_shard(app: Sphinx, config: Config) -> None:
    """Execute only this shard's units; show the others unexecuted.

    Runs after sphinx-gallery filled in its configuration (priority 10) and
    after ``TFDOCS_ONLY`` (100): both narrow what runs.
    """
    shard = parse_shard(config.tfdocs_shard)
    if shard is None:
        return
    index, count = shard
    gallery = config.sphinx_gallery_conf
    srcdir = Path(app.srcdir)
    units = site_units(srcdir, gallery)
    previous = expected_seconds(app.doctreedir, srcdir)
    mine = set(assign({unit: previous.get(unit) for unit in units}, count)[index - 1])
    config.nb_execution_excludepatterns = [
        *config.nb_execution_excludepatterns,
        *(
            path.relative_to(srcdir).as_posix()
            for unit, path in units.items()
            if unit not in mine and not _is_example(unit, gallery)
        ),
    ]
    scripts = "|".join(
        re.escape(str(path)) + "$"
        for unit, path in units.items()
        if unit in mine and _is_example(unit, gallery)
    )
    ours = scripts or "(?!)"  # (?!) matches nothing
    gallery["filename_pattern"] = f"(?=.*{gallery['filename_pattern']})(?=.*(?:{ours}))"


def connect(app: Sphinx) -> None:
    """Connect the shard filter to the configuration."""
    app.connect("config-inited", restrict_to_shard, priority=110)


# -- Planning and merging ----------------------------------------------------


def plan(
    doctreedir: Path, srcdir: Path, gallery_conf: Mapping[str, Any], *, seconds: float
) -> int:
    """Return how many shards keep each near ``seconds`` of execution (at least 1).

    The site's expected execution time is the sum of its units' expected
    seconds (:func:`.order.expected_seconds`; unknown units counted as in
    :func:`assign`).
    """
    if not seconds > 0:
        msg = f"seconds must be positive; got {seconds!r}"
        raise ValueError(msg)
    previous = expected_seconds(doctreedir, srcdir)
    units = site_units(srcdir, gallery_conf)
    total = sum(_expected({unit: previous.get(unit) for unit in units}).values())
    return max(1, math.ceil(total / seconds))


def merge(
    root: Path, shards: Sequence[Path], *, srcdir: str = "docs", build: str = "_build"
) -> list[str]:
    """Add what each shard executed to the clone ``root``; return the units added.

    ``root`` and every shard are clones of the same commit; each shard has been
    built with ``TFDOCS_SHARD``. Pages go through jupyter-cache (one cache per
    fingerprint folder, :mod:`.fingerprint`); the generated files of each
    example a shard ran (its run record says which) are copied, with the
    gallery's fingerprint marker.
    """
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    added: list[str] = []
    for shard in shards:
        caches = Path(shard, build, ".jupyter_cache")
        for folder in sorted(caches.iterdir()) if caches.is_dir() else ():
            theirs = get_cache(folder)
            ours = get_cache(Path(root, build, ".jupyter_cache", folder.name))
            for record in theirs.list_cache_records():
                bundle = theirs.get_cache_bundle(record.pk)
                # The cache matches pages by content; the URI only names the
                # page: in this clone if the shard is a clone here, else as
                # the shard's machine named it (a CI artifact).
                uri = Path(record.uri)
                if uri.is_relative_to(Path(shard).resolve()):
                    uri = Path(root, uri.relative_to(Path(shard).resolve())).resolve()
                ours.cache_notebook_bundle(
                    CacheBundleIn(
                        bundle.nb,
                        str(uri),
                        artifacts=bundle.artifacts,
                        data=dict(record.data),
                    ),
                    check_validity=False,
                    overwrite=True,
                )
                added.append(uri.name)
        executed = read_record(Path(shard, build, "doctrees")).executed("example")
        for docname in sorted(executed):
            if _copy_example(Path(shard, srcdir), Path(root, srcdir), docname):
                added.append(docname)
    return added


def _copy_example(source: Path, target: Path, docname: str) -> bool:
    """Copy the files sphinx-gallery generated for one example, and its marker."""
    from tfdocs_sphinx.execute.fingerprint import MARKER

    folder, stem = Path(docname).parent, Path(docname).name
    patterns = (
        f"{stem}.*",
        f"images/sphx_glr_{stem}_*",
        f"images/thumb/sphx_glr_{stem}_*",
    )
    files = [
        path
        for pattern in patterns
        for path in sorted(Path(source, folder).glob(pattern))
        if path.is_file()
    ]
    for parent in [folder, *folder.parents]:  # the marker sits in the gallery's folder
        if Path(source, parent, MARKER).is_file():
            files.append(Path(source, parent, MARKER))
            break
    for path in files:
        destination = Path(target, path.relative_to(source))
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
    return bool(files)


def main(argv: Sequence[str] | None = None) -> int:
    """Merge shards into a clone, or plan how many shards a site needs."""
    parser = argparse.ArgumentParser(
        prog="python -m tfdocs_sphinx.execute.shards",
        description="Merge what shard builds executed; plan how many shards.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    merging = commands.add_parser("merge", help="add shards' executed units to ROOT")
    merging.add_argument("root", type=Path, help="the clone to build the site in")
    merging.add_argument("shards", type=Path, nargs="+", help="clones built as shards")
    planning = commands.add_parser(
        "plan", help='print {"shards": N, "matrix": ["1/N", ...]} as JSON'
    )
    planning.add_argument(
        "--seconds", type=float, required=True, help="execution seconds per shard"
    )
    planning.add_argument("--confdir", type=Path, default=Path())
    planning.add_argument("--srcdir", type=Path, default=Path("docs"))
    planning.add_argument("--doctrees", type=Path, default=Path("_build/doctrees"))
    args = parser.parse_args(argv)
    if args.command == "merge":
        added = merge(args.root, args.shards)
        print(f"merged {len(added)} executed units from {len(args.shards)} shards")
        return 0
    conf = runpy.run_path(str(args.confdir / "conf.py"))  # side-effect free
    count = plan(
        args.doctrees,
        args.srcdir,
        conf.get("sphinx_gallery_conf", {}),
        seconds=args.seconds,
    )
    matrix = [f"{i}/{count}" for i in range(1, count + 1)]
    print(json.dumps({"shards": count, "matrix": matrix}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
