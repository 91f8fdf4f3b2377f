"""Where a build's wall time goes: its phases, and the cores each left idle.

A cold build can only approach the floor's CPU seconds spread over the cores if
no core waits. :class:`OutputClock` keeps the time of each line a build prints;
:func:`phases` cuts the build at the first line of each phase (:data:`PHASES`)
and, from the CPU seconds its process tree had used at each sample
(:class:`bench_memory.TreeSampler`), gives each phase's wall seconds, CPU
seconds and idle core-seconds (cores x wall - CPU): the cores that phase left
unused, which the cold build's ``overhead_s`` is made of.
"""

from __future__ import annotations

import bisect
import threading
import time
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["PHASES", "OutputClock", "Phase", "phases"]

#: Each phase of a build and the text of the line that starts it.
PHASES: tuple[tuple[str, str], ...] = (
    # Sphinx starts, loads the extensions; the executor looks up the cache.
    ("start", ""),
    # The zygote imports; the examples run while sphinx-gallery waits for them.
    ("gallery", "tfdocs: executing "),
    # Sphinx reads each page as its run ends.
    ("reading", "reading sources... ["),
    # After the last page: the HTML, one page after another, then the indices.
    ("writing", "writing output... ["),
)


class OutputClock:
    r"""Read a process's output in a thread, line by line, with the time of each line.

    Examples
    --------
    >>> import io
    >>> clock = OutputClock(io.StringIO("one\ntwo\n"))
    >>> [line for _, line in clock.join()]
    ['one\n', 'two\n']
    """

    def __init__(self, stream: IO[str]) -> None:
        self.lines: list[tuple[float, str]] = []  # (time.monotonic(), line)
        self._stream = stream
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        for line in self._stream:
            self.lines.append((time.monotonic(), line))

    def join(self, timeout: float | None = None) -> list[tuple[float, str]]:
        """Wait for the end of the output (at most ``timeout`` s); return its lines."""
        self._thread.join(timeout)
        return self.lines


@dataclass(frozen=True)
class Phase:
    """One phase of a build: when it began, how long it took, what it left idle."""

    name: str
    start_s: float  # from the start of the build
    seconds: float
    cpu_s: float
    idle_core_s: float

    def to_json(self) -> dict[str, float]:
        """Return the phase's figures, rounded to a tenth, for ``bench.json``."""
        return {
            "start_s": round(self.start_s, 1),
            "seconds": round(self.seconds, 1),
            "cpu_s": round(self.cpu_s, 1),
            "idle_core_s": round(self.idle_core_s, 1),
        }


def phases(
    lines: Sequence[tuple[float, str]],
    cpu: Sequence[tuple[float, float]],
    *,
    start: float,
    end: float,
    cores: int,
    marks: Sequence[tuple[str, str]] = PHASES,
) -> list[Phase]:
    r"""Cut a build from ``start`` to ``end`` into its phases.

    Parameters
    ----------
    lines
        The build's output: ``(time, line)`` in order (:class:`OutputClock`).
    cpu
        ``(time, CPU seconds used so far)`` samples of its process tree, in
        order; between samples the CPU is interpolated, and a sample lower than
        an earlier one (the tree gone) counts as the earlier.
    start, end
        When the build started and ended, on the same clock (``time.monotonic``).
    cores
        The cores the build had.
    marks
        Each phase's name and the text of the line that starts it, in order;
        the first starts at ``start``. A phase whose line never came is empty.

    Raises
    ------
    ValueError
        If ``cores`` is less than 1 or ``end`` is before ``start``.

    Examples
    --------
    Two cores; 4 CPU seconds in the first 2 s, 1 in the next 2:

    >>> lines = [(0.5, "hello\n"), (2.0, "reading sources... [ 50%] a\n")]
    >>> cpu = [(0.0, 0.0), (2.0, 4.0), (4.0, 5.0)]
    >>> [(p.name, p.seconds, p.idle_core_s) for p in phases(
    ...     lines, cpu, start=0.0, end=4.0, cores=2,
    ...     marks=[("start", ""), ("reading", "reading sources")])]
    [('start', 2.0, 0.0), ('reading', 2.0, 3.0)]
    """
    if cores < 1:
        msg = f"cores must be at least 1, got {cores!r}"
        raise ValueError(msg)
    if end < start:
        msg = f"end ({end}) is before start ({start})"
        raise ValueError(msg)
    bounds = [start]
    for _, text in marks[1:]:
        found = next((t for t, line in lines if text in line and t >= bounds[-1]), None)
        bounds.append(min(max(found, bounds[-1]), end) if found is not None else end)
    bounds.append(end)
    used = _cumulative(cpu)
    result = []
    for (name, _), begin, stop in zip(marks, bounds, bounds[1:], strict=False):
        cpu_s = used(stop) - used(begin)
        seconds = stop - begin
        result.append(
            Phase(
                name, begin - start, seconds, cpu_s, max(cores * seconds - cpu_s, 0.0)
            )
        )
    return result


def _cumulative(samples: Sequence[tuple[float, float]]) -> _Interpolated:
    times, values, highest = [], [], 0.0
    for when, value in samples:
        highest = max(highest, value)
        times.append(when)
        values.append(highest)
    return _Interpolated(times, values)


@dataclass(frozen=True)
class _Interpolated:
    times: list[float]
    values: list[float]

    def __call__(self, when: float) -> float:
        if not self.times:
            return 0.0
        i = bisect.bisect_right(self.times, when)
        if i == 0:
            return self.values[0]
        if i == len(self.times):
            return self.values[-1]
        t0, t1 = self.times[i - 1], self.times[i]
        v0, v1 = self.values[i - 1], self.values[i]
        return v0 + (v1 - v0) * (when - t0) / (t1 - t0) if t1 > t0 else v1
