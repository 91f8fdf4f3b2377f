"""A synthetic site: the real one with every executed page replicated k times.

``nox -s bench -- --scale`` builds it for k = 1, 2 (and 4 with ``--scale-max 4``)
to see how the build's cost grows with its content. Copy ``j`` (2..k) of
``docs/x.md`` is ``docs/x-copy<j>.md``, beside the original so that its relative
links and images still resolve; it is an orphan (in no toctree, as front
matter says), and its first code cell starts with ``_copy = <j>`` so that its
outputs are not the original's in the cache: every copy is executed.

A copy runs the same code as its original, so what its kernel costs grows with
the pages by construction; what could grow faster is the machinery around it
(Sphinx reading, cache look-ups, link maps, writing, checks). Each build
therefore also reports the Sphinx process's own CPU seconds and peak memory,
apart from the kernels', and the CPU and wall time of each of its phases.
"""

from __future__ import annotations

import itertools
import shutil
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from bench_timeline import Phase

__all__ = [
    "FIGURES",
    "Scale",
    "add_front_matter",
    "flat",
    "mark_copy",
    "replicate_site",
    "slopes",
]

#: The figures of a :class:`Scale` that :func:`slopes` can follow.
FIGURES = ("seconds", "cpu_s", "sphinx_cpu_s", "pages_s")


def add_front_matter(text: str, line: str) -> str:
    r"""Add ``line`` to the YAML front matter of a MyST page.

    >>> add_front_matter("---\nfile_format: mystnb\n---\n# T\n", "orphan: true")
    '---\norphan: true\nfile_format: mystnb\n---\n# T\n'
    """
    if not text.startswith("---\n"):
        msg = "text: the page has no front matter"
        raise ValueError(msg)
    body = text.removeprefix("---\n")
    return f"---\n{line}\n{body}"


def mark_copy(text: str, copy: int) -> str:
    r"""Start the page's first code cell with ``_copy = <copy>``.

    >>> mark_copy("# T\n```{code-cell} ipython3\n:tags: [x]\ny = 2\n```\n", 2)
    '# T\n```{code-cell} ipython3\n:tags: [x]\n_copy = 2\ny = 2\n```\n'
    """
    lines = text.split("\n")
    start = next(
        (i for i, line in enumerate(lines) if line.startswith("```{code-cell}")), None
    )
    if start is None:
        msg = "text: the page has no code cell"
        raise ValueError(msg)
    body = start + 1
    while lines[body].startswith(":"):
        body += 1
    lines.insert(body, f"_copy = {copy}")
    return "\n".join(lines)


def replicate_site(
    docs: Path, examples: Path, pages: list[Path], dest: Path, *, k: int
) -> int:
    """Write the site with each of ``pages`` replicated ``k`` times into ``dest``.

    ``dest/docs`` is a copy of ``docs`` (without the gallery's generated
    ``auto_examples``) plus the copies; ``dest/examples`` a copy of
    ``examples``. Returns the number of executed pages in the new site.
    """
    if k < 1:
        msg = f"k: {k} is not a positive number of copies"
        raise ValueError(msg)
    shutil.rmtree(dest, ignore_errors=True)
    ignore = shutil.ignore_patterns("auto_examples", "__pycache__")
    shutil.copytree(docs, dest / "docs", ignore=ignore)
    shutil.copytree(examples, dest / "examples", ignore=ignore)
    for page in pages:
        relative = page.relative_to(docs)
        text = page.read_text(encoding="utf-8")
        for copy in range(2, k + 1):
            target = (
                dest
                / "docs"
                / relative.with_name(f"{relative.stem}-copy{copy}{relative.suffix}")
            )
            copied = add_front_matter(mark_copy(text, copy), "orphan: true")
            target.write_text(copied, encoding="utf-8")
    return len(pages) * k


@dataclass(frozen=True)
class Scale:
    """One build of the synthetic site."""

    k: int
    units: int  # executed pages and gallery examples
    seconds: float
    #: CPU seconds of the build's whole tree: less sensitive than the wall time
    #: to what else the machine runs.
    cpu_s: float = 0.0
    #: The whole build's peak memory in MB (does it grow with the pages?).
    peak_pss_mb: float = 0.0
    peak_rss_mb: float = 0.0
    #: CPU seconds of the Sphinx process alone (all its threads): reading, the
    #: cache look-ups, link maps, checks, its share of writing; not the zygote,
    #: the kernels or the forked HTML writers.
    sphinx_cpu_s: float = 0.0
    #: The Sphinx process's own peak resident memory in MB (``ru_maxrss``).
    sphinx_peak_mb: float = 0.0
    #: The executed pages' own seconds, summed from the run record.
    pages_s: float = 0.0
    #: Where the build's wall time and CPU went (:mod:`bench_timeline`).
    phases: tuple[Phase, ...] = ()

    @property
    def per_unit_s(self) -> float:
        """Seconds of build per executed unit."""
        return self.seconds / self.units

    @property
    def per_unit_cpu_s(self) -> float:
        """CPU seconds of build per executed unit."""
        return self.cpu_s / self.units

    @property
    def sphinx_share(self) -> float:
        """The Sphinx process's part of the build's CPU (0 without CPU figures).

        A machine that runs everything slower changes both alike; a step of the
        machinery that grows faster than the pages makes this share grow with k.

        >>> Scale(1, 43, 200.0, cpu_s=400.0, sphinx_cpu_s=30.0).sphinx_share
        0.075
        """
        return self.sphinx_cpu_s / self.cpu_s if self.cpu_s else 0.0


def slopes(scales: list[Scale], *, of: str = "seconds") -> list[float]:
    """Return what each added unit cost in the figure ``of``, build after build.

    ``of`` is one of :data:`FIGURES`: wall seconds, the whole tree's CPU
    seconds, the Sphinx process's CPU seconds, the executed pages' seconds.

    >>> slopes([Scale(1, 10, 100.0), Scale(2, 20, 150.0), Scale(4, 40, 260.0)])
    [5.0, 5.5]
    >>> slopes([Scale(1, 10, 100.0, 180.0), Scale(2, 20, 150.0, 340.0)], of="cpu_s")
    [16.0]
    """
    if of not in FIGURES:
        msg = f"of must be one of {', '.join(FIGURES)}; got {of!r}"
        raise ValueError(msg)
    return [
        (getattr(b, of) - getattr(a, of)) / (b.units - a.units)
        for a, b in itertools.pairwise(scales)
    ]


def flat(steps: Sequence[float], *, within: float = 0.15) -> bool | None:
    """Whether no later step costs more than ``within`` above the first; None if one.

    Each step is the cost of the same kind of added unit (a copy of a page), so
    the steps compare like with like; a unit's average at k = 1 would not (it
    holds the examples, cheaper than pages, and the build's fixed costs). A
    cost that falls as the site grows is flat enough.

    >>> flat([19.3, 21.0]), flat([19.3, 23.0]), flat([19.3, 15.0]), flat([19.3])
    (True, False, True, None)
    """
    if within < 0:
        msg = f"within must be at least 0, got {within!r}"
        raise ValueError(msg)
    if len(steps) < 2:
        return None
    return all(step <= (1 + within) * steps[0] for step in steps[1:])
