"""The order the pool runs pages in: longest first, by the last build's run record.

With pages running on every core, the build ends when the last page ends. Run
the short pages first and the longest one starts late and runs alone at the end;
run it first and the short pages fill the other cores around it (longest
processing time first, the classic rule for scheduling on parallel machines).
A page's expected time is its time in the previous build's run record
(:mod:`..runs`). A page the record does not know (new, or it failed last time)
may be as long as any: it goes first. Ties go by name, so the same record always
gives the same order.

A build with no record of its own (a fresh clone, a CI runner) reads the
site's committed seconds instead (:data:`DURATIONS`, as PyTorch's tutorials
commit theirs to balance their shards): without them it would run the pages in
name order, and the longest could start last. ``nox -s bench`` refreshes them.
(On this site's 2 cores the order moved its cold build little: 149 s by name,
150 s longest first, one benchmark each.)

Sphinx reads the pages one by one, by name, and reading a page waits for its
run: a short page the pool runs last, read early, holds up the reading of every
page after it, and they are all read after the last run ends, while a core
idles. :func:`finish_order` gives the order the pool is expected to end its
runs in, which the pool gives Sphinx to read in (``env-before-read-docs``), so
the reading keeps up with the runs and little is left to read at the end.
"""

from __future__ import annotations

import heapq
import json
import math
import statistics
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

from tfdocs_sphinx.runs import Kind, read_record

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

__all__ = [
    "DURATIONS",
    "committed_seconds",
    "expected_seconds",
    "finish_order",
    "longest_first",
    "previous_seconds",
    "write_durations",
]

#: The file, in the site's source folder, of each unit's committed seconds.
DURATIONS = "_durations.json"


class _Named(Protocol):
    @property
    def docname(self) -> str: ...


_Page = TypeVar("_Page", bound=_Named)


def previous_seconds(
    doctreedir: str | Path, *, kind: Kind | None = "page"
) -> dict[str, float]:
    """Return each page's (or ``kind``'s; ``None``: every unit's) seconds in the last run record.

    Pages whose last run failed are left out (a failure may end early, so its
    time says nothing). No record, or one that cannot be read, gives ``{}``:
    the record only orders the work, it never stops a build.

    >>> previous_seconds("no/such/doctrees")
    {}
    """
    try:
        record = read_record(doctreedir)
    # Missing (OSError), not JSON (JSONDecodeError is a ValueError), not a record.
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return {
        name: run.seconds
        for name, run in record.runs.items()
        if kind in {None, run.kind} and run.error is None
    }


def committed_seconds(srcdir: str | Path) -> dict[str, float]:
    """Return each unit's seconds committed in ``srcdir`` (:data:`DURATIONS`); none: ``{}``.

    Raises
    ------
    ValueError
        If the file is not a JSON object of unit names to seconds (it is a
        source: a bad one is an error to fix, not a record to ignore).

    >>> committed_seconds("no/such/docs")
    {}
    """
    path = Path(srcdir, DURATIONS)
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        msg = f"{path}: not JSON ({exc})"
        raise ValueError(msg) from None
    if not isinstance(data, dict) or not all(
        isinstance(seconds, int | float)
        and not isinstance(seconds, bool)
        and math.isfinite(seconds)
        and seconds >= 0
        for seconds in data.values()
    ):
        msg = f"{path}: must map each unit's name to its seconds (a number, at least 0)"
        raise ValueError(msg)
    return {str(name): float(seconds) for name, seconds in data.items()}


def expected_seconds(doctreedir: str | Path, srcdir: str | Path) -> dict[str, float]:
    """Return each unit's expected seconds: the last run record's, else the committed ones.

    >>> expected_seconds("no/such/doctrees", "no/such/docs")
    {}
    """
    return {**committed_seconds(srcdir), **previous_seconds(doctreedir, kind=None)}


def write_durations(doctreedir: str | Path, srcdir: str | Path) -> Path:
    """Commit-ready: write each unit's seconds in the run record to ``srcdir``; return the file.

    Every unit whose last run succeeded, to a tenth of a second, by name (a
    stable diff).

    Raises
    ------
    ValueError
        If ``doctreedir`` holds no run record with a unit that succeeded.
    """
    seconds = previous_seconds(doctreedir, kind=None)
    if not seconds:
        msg = f"doctreedir: no run record with a unit that succeeded in {doctreedir}"
        raise ValueError(msg)
    path = Path(srcdir, DURATIONS)
    rounded = {name: round(seconds[name], 1) for name in sorted(seconds)}
    path.write_text(json.dumps(rounded, indent=1) + "\n", encoding="utf-8")
    return path


def longest_first(pages: Iterable[_Page], previous: Mapping[str, float]) -> list[_Page]:
    """Return ``pages`` in the order to submit them: unknown, then longest, first.

    Parameters
    ----------
    pages
        Anything with a ``docname``, each at most once.
    previous
        Each known page's seconds in the previous build (:func:`previous_seconds`).

    Examples
    --------
    >>> from types import SimpleNamespace as Page
    >>> pages = [Page(docname=name) for name in ["a", "b", "c", "d", "e"]]
    >>> [p.docname for p in longest_first(pages, {"a": 1.0, "b": 9.0, "c": 1.0})]
    ['d', 'e', 'b', 'a', 'c']
    """
    for name, seconds in previous.items():
        if not math.isfinite(seconds) or seconds < 0:
            msg = f"previous: {name!r} has {seconds!r}, not a number of seconds"
            raise ValueError(msg)
    return sorted(
        pages,
        key=lambda page: (
            page.docname in previous,
            -previous.get(page.docname, 0.0),
            page.docname,
        ),
    )


def finish_order(
    submitted: Sequence[str], expected: Mapping[str, float], *, workers: int
) -> list[str]:
    """Return the units ``submitted`` in the order ``workers`` are expected to end them.

    Each unit starts on the first worker free, in the order submitted, and
    takes its ``expected`` seconds; a unit ``expected`` does not know takes the
    mean of those it knows (as :mod:`.shards` counts it). Ties go in the order
    submitted.

    Raises
    ------
    ValueError
        If ``workers`` is less than 1, or a unit is submitted twice.

    Examples
    --------
    Two workers: ``a`` (5 s) and ``b`` (1 s) start at once, ``c`` (1 s) where
    ``b`` ends, ``d`` (unknown: the mean, 7/3 s) where ``c`` ends.

    >>> finish_order(["a", "b", "c", "d"], {"a": 5, "b": 1, "c": 1}, workers=2)
    ['b', 'c', 'd', 'a']
    """
    if workers < 1:
        msg = f"workers must be at least 1, got {workers!r}"
        raise ValueError(msg)
    if len(set(submitted)) != len(submitted):
        msg = "submitted: a unit is listed twice"
        raise ValueError(msg)
    known = [expected[name] for name in submitted if name in expected]
    default = statistics.fmean(known) if known else 1.0
    free = [0.0] * workers  # when each worker is next free, a heap
    ends: dict[str, tuple[float, int]] = {}
    for index, name in enumerate(submitted):
        end = heapq.heappop(free) + expected.get(name, default)
        heapq.heappush(free, end)
        ends[name] = (end, index)
    return sorted(submitted, key=ends.__getitem__)
