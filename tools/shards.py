"""Simulate a sharded build of the site on this machine, and check the merge.

``nox -s shards -- --shards N`` runs ``python tools/shards.py --shards N``: it
copies the tracked files of the tree into ``_build/shards/shard1`` ...
``shardN`` (clones, each with empty caches), builds each strictly with
``TFDOCS_SHARD=i/N`` (one after another: each stands for a machine of its
own), copies the tree again into ``_build/shards/merged``, merges the shards
into it (``python -m tfdocs_sphinx.execute.shards merge``) and builds it. The
merged build must execute nothing and make the same site, file for file, as a
build of the tree on one machine (``_build/shards/one``, built here from empty
caches unless ``--against`` names a built site), compared as ``nox -s repro``
compares. Prints each step's wall time, and what the shard with the most work
took: the wall time of a sharded CI run is about that plus the merged build.

``nox -s shards -- plan --seconds S`` prints the CI matrix for ``S`` seconds of
execution per shard instead, and ``nox -s shards -- merge ROOT SHARD...`` merges
(both are ``python -m tfdocs_sphinx.execute.shards``; the docs workflow uses them).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from repro import compare_sites
from tfdocs_sphinx.execute import shards
from tfdocs_sphinx.locations import sphinx_build_args
from tfdocs_sphinx.runs import read_record

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "_build" / "shards"


def layout(folder: Path) -> Path:
    """Copy the tracked files of the tree (as they are now) into ``folder``."""
    if folder.exists():
        shutil.rmtree(folder)
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode().split("\0")  # fmt: skip
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return folder


def build(folder: Path, *, shard: str = "") -> float:
    """Build the site in ``folder`` strictly (as ``nox -s docs``); return seconds."""
    args = sphinx_build_args(
        confdir=Path(),
        srcdir=Path("docs"),
        outdir=Path("_build/html"),
        doctreedir=Path("_build/doctrees"),
    )
    env = {k: v for k, v in os.environ.items() if k not in {"TFDOCS_ONLY"}}
    env["TFDOCS_SHARD"] = shard
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "sphinx", *args],
        cwd=folder, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        print(done.stdout[-5000:], done.stderr[-5000:], sep="\n", file=sys.stderr)
        msg = f"the build in {folder} failed (status {done.returncode})"
        raise SystemExit(msg)
    return seconds


def simulate(count: int, against: Path | None) -> int:
    """Build ``count`` shards, merge them, build and compare; 0 if all holds."""
    timings: dict[str, float] = {}
    folders = []
    for index in range(1, count + 1):
        folder = layout(WORK / f"shard{index}")
        timings[f"shard {index}/{count}"] = build(folder, shard=f"{index}/{count}")
        executed = read_record(folder / "_build" / "doctrees").executed()
        print(f"shard {index}/{count}: executed {len(executed)} units", flush=True)
        folders.append(folder)
    merged = layout(WORK / "merged")
    start = time.perf_counter()
    added = shards.merge(merged, folders)
    timings["merge"] = time.perf_counter() - start
    timings["merged build"] = build(merged)
    executed = read_record(merged / "_build" / "doctrees").executed()
    if against is None:
        one = layout(WORK / "one")
        timings["one machine"] = build(one)
        against = one / "_build" / "html"
    differences = compare_sites(against, merged / "_build" / "html")
    longest = max(timings[f"shard {i}/{count}"] for i in range(1, count + 1))
    report = {
        "shards": count,
        "merged_units": len(added),
        "executed_by_merged_build": sorted(executed),
        "seconds": {name: round(value, 1) for name, value in timings.items()},
        "sharded_wall_s": round(
            longest + timings["merge"] + timings["merged build"], 1
        ),
        "differences": differences,
    }
    print(json.dumps(report, indent=1))
    return 0 if not executed and not differences else 1


def main() -> int:
    """Simulate (the default) or plan; see the module's docstring."""
    if sys.argv[1:2] in (["plan"], ["merge"]):
        return shards.main(sys.argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shards", type=int, default=2, help="how many (at least 2)")
    parser.add_argument(
        "--against", type=Path, help="a built site to compare with (default: build one)"
    )
    args = parser.parse_args()
    if args.shards < 2:
        parser.error("--shards must be at least 2")
    return simulate(args.shards, args.against)


if __name__ == "__main__":
    sys.exit(main())
