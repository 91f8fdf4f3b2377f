"""Build the site twice from empty caches and report the pages that differ.

``nox -s repro`` runs ``python tools/repro.py``: two strict builds of the same
tree, each from nothing (no doctrees, no jupyter-cache, no generated gallery),
into ``_build/repro/a`` and ``_build/repro/b``; then every file of the two sites
is compared. In HTML pages, the contents of elements of class
``tfdocs-measurement`` (execution times and memory, see
``tfdocs_sphinx.checks.report``) and the outputs of cells tagged ``timing`` are
left out of the comparison, and so are the outputs of ``timing`` cells in the
executed notebooks offered for download: they are the only parts allowed to
differ. Every
other byte must match, images and downloads included. Exits 1 if any file
differs, listing each with the first difference.
"""

from __future__ import annotations

import difflib
import json
import shutil
import subprocess
import sys
from pathlib import Path

from tfdocs_sphinx.checks.report import MEASUREMENT, TIMING_TAG
from tfdocs_sphinx.locations import sphinx_build_args

__all__ = ["compare_sites", "normalise_html"]

ROOT = Path(__file__).resolve().parent.parent
REPRO = ROOT / "_build" / "repro"
#: CSS selectors of the parts of a page that may vary between builds.
VARYING = (f".{MEASUREMENT}", f".tag_{TIMING_TAG} .cell_output")
#: Files that legitimately differ: Sphinx's record of the build environment.
IGNORED = frozenset({".buildinfo"})


def normalise_html(text: str) -> str:
    """Empty the elements that hold measurements, so two builds can be compared.

    >>> normalise_html('<p>Ran in <span class="tfdocs-measurement">1.2 s</span>.</p>')
    '<p>Ran in <span class="tfdocs-measurement"></span>.</p>'
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "html.parser")
    for selector in VARYING:
        for element in soup.select(selector):
            element.clear()
    return str(soup)


def normalise_notebook(text: str) -> str:
    """Empty the outputs of cells tagged ``timing`` in an executed notebook.

    >>> nb = '{"cells": [{"cell_type": "code", "metadata": {"tags": ["timing"]}, "outputs": [1]}]}'
    >>> normalise_notebook(nb)
    '{"cells": [{"cell_type": "code", "metadata": {"tags": ["timing"]}, "outputs": []}]}'
    """
    notebook = json.loads(text)
    for cell in notebook.get("cells", []):
        if TIMING_TAG in cell.get("metadata", {}).get("tags", []):
            cell["outputs"] = []
    return json.dumps(notebook)


def compare_sites(a: Path, b: Path) -> list[str]:
    """Describe every file that differs between the sites ``a`` and ``b``."""
    names_a = {p.relative_to(a) for p in a.rglob("*") if p.is_file()}
    names_b = {p.relative_to(b) for p in b.rglob("*") if p.is_file()}
    problems = [f"{name}: only in {a}" for name in sorted(names_a - names_b)]
    problems += [f"{name}: only in {b}" for name in sorted(names_b - names_a)]
    for name in sorted(names_a & names_b):
        if name.name in IGNORED:
            continue
        bytes_a, bytes_b = (a / name).read_bytes(), (b / name).read_bytes()
        if bytes_a == bytes_b:
            continue
        if name.suffix in NORMALISERS:
            text_a = NORMALISERS[name.suffix](bytes_a.decode())
            text_b = NORMALISERS[name.suffix](bytes_b.decode())
            if text_a == text_b:
                continue
            diff = difflib.unified_diff(
                text_a.splitlines(), text_b.splitlines(), lineterm="", n=0
            )
            detail = " | ".join(line for line in list(diff)[2:6])
            problems.append(f"{name}: {detail[:400]}")
        else:
            problems.append(
                f"{name}: contents differ ({len(bytes_a)} vs {len(bytes_b)} bytes)"
            )
    return problems


NORMALISERS = {".html": normalise_html, ".ipynb": normalise_notebook}


def build(label: str) -> Path:
    """Build the site strictly, from nothing, into _build/repro/<label>."""
    out = REPRO / label
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(ROOT / "docs" / "auto_examples", ignore_errors=True)
    args = sphinx_build_args(
        confdir=ROOT,
        srcdir=ROOT / "docs",
        outdir=out / "html",
        doctreedir=out / "doctrees",
    )
    command = [sys.executable, "-m", "sphinx", *args]
    print(f"building {label}: {' '.join(command[1:])}", flush=True)
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return out / "html"


def main() -> int:
    """Build twice, compare, print the differing files; 1 if there are any."""
    a, b = build("a"), build("b")
    problems = compare_sites(a, b)
    files = sum(1 for p in a.rglob("*") if p.is_file())
    for problem in problems:
        print(f"DIFFERS {problem}")
    print(f"{files} files compared, {len(problems)} differ")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
