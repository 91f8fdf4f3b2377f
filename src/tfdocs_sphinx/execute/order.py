"""The order the pool runs pages in: longest first, by the last build's run record.

With pages running on every core, the build ends when the last page ends. Run
the short pages first and the longest one starts late and runs alone at the end;
run it first and the short pages fill the other cores around it (longest
processing time first, the classic rule for scheduling on parallel machines).
A page's expected time is its time in the previous build's run record
(:mod:`..runs`). A page the record does not know (new, or it failed last time)
may be as long as any: it goes first. Ties go by name, so the same record always
gives the same order.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Protocol, TypeVar

from tfdocs_sphinx.runs import Kind, read_record

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from pathlib import Path

__all__ = ["longest_first", "previous_seconds"]


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
