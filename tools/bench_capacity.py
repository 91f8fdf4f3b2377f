"""How much work the machine's cores deliver at once, against one core alone.

``floor_cpu_s / cores`` assumes that every core, all busy, does as much work
as one core alone. A shared host need not: on this project's 2-core virtual
machine (KVM), two pure-Python loops that each got 100 % of a core did 4 to
37 % less work each than one loop alone, together 1.55 to 1.85 times one
loop's work, changing from minute to minute (8 December 2026).
:func:`measure` counts the iterations of a pure-Python loop (dictionary
updates: the kind of work the site's units are bound by) run alone, then in
one process per core at once, and gives their ratio, ``capacity``: ``cores``
on a machine whose cores are independent, less on one that shares them. ``tools/bench.py`` measures it before each floor so that
a missed target can be read against what the machine delivered in that hour.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass

__all__ = ["Capacity", "measure"]

#: Counts the iterations of a pure-Python loop for ``argv[1]`` seconds.
SPIN = """\
import sys, time
end = time.perf_counter() + float(sys.argv[1])
counts, n = {}, 0
while time.perf_counter() < end:
    for i in range(1000):
        counts[i % 97] = counts.get(i % 97, 0) + i
    n += 1
print(n)
"""


@dataclass(frozen=True)
class Capacity:
    """Iterations of :data:`SPIN` alone and in one process per core at once."""

    alone: int
    together: tuple[int, ...]

    def __post_init__(self) -> None:
        """Refuse what no measure gives: no loop alone, or no count per core."""
        if self.alone <= 0:
            msg = f"alone must be a positive count, got {self.alone}"
            raise ValueError(msg)
        if not self.together or min(self.together) < 0:
            msg = f"together must be counts, one per core, got {self.together}"
            raise ValueError(msg)

    @property
    def capacity(self) -> float:
        """The cores' work at once, in cores alone (``len(together)`` at best).

        >>> Capacity(100, (90, 60)).capacity
        1.5
        """
        return round(sum(self.together) / self.alone, 2)

    def to_json(self) -> dict[str, object]:
        """Return the counts and the capacity, as ``bench.json`` stores them.

        >>> Capacity(100, (100, 100)).to_json()
        {'alone': 100, 'together': [100, 100], 'capacity': 2.0}
        """
        return {
            "alone": self.alone,
            "together": list(self.together),
            "capacity": self.capacity,
        }


def measure(*, cores: int, seconds: float = 5.0) -> Capacity:
    """Run :data:`SPIN` alone, then ``cores`` copies at once, ``seconds`` each."""
    if cores < 1:
        msg = f"cores must be at least 1, got {cores}"
        raise ValueError(msg)
    if seconds <= 0:
        msg = f"seconds must be positive, got {seconds}"
        raise ValueError(msg)
    (alone,) = _spin(1, seconds)
    return Capacity(alone, tuple(_spin(cores, seconds)))


def _spin(processes: int, seconds: float) -> list[int]:
    """Return the iterations each of ``processes`` copies of :data:`SPIN` made at once."""
    command = [sys.executable, "-c", SPIN, str(seconds)]
    running = [
        subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        for _ in range(processes)
    ]
    try:
        outputs = [process.communicate(timeout=seconds + 60)[0] for process in running]
    finally:
        for process in running:
            if process.poll() is None:
                process.kill()
                process.wait()
    for process in running:
        if process.returncode != 0:
            msg = f"the spin loop exited with status {process.returncode}"
            raise RuntimeError(msg)
    return [int(output) for output in outputs]
