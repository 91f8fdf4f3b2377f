"""Peak memory of a whole process tree, sampled from ``/proc`` (Linux).

A build is many processes: Sphinx, the zygote, one kernel per running page, and
the processes a page starts itself. ``ru_maxrss`` gives the peak of the largest
single one only, so :class:`TreeSampler` reads, every ``interval`` seconds, the
resident memory of the root and all its descendants and keeps the largest total.
It sums two figures: RSS, which counts the pages a forked kernel shares with
the zygote once per process (an upper bound), and PSS, which splits each shared
page between its sharers (what the tree really holds). Sampling can miss a
peak shorter than ``interval`` (``pss_interval`` for PSS). With each sample it also keeps the CPU seconds
the tree has used so far (each process's own and those of the children it has
waited for), from which :mod:`bench_timeline` tells the cores a build left idle,
whatever else the machine runs. PSS is read every ``pss_interval`` seconds
only: ``smaps_rollup`` costs about 10 ms of CPU per TensorFlow process, and read
every 0.2 s it took a sixth of a core from the build being measured (43.7 CPU
seconds of the benchmark's own in a 268.6 s cold build), which showed as cores
the build left idle. Written here because psutil is not a dependency
of the project and this is twenty lines of ``/proc``.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

__all__ = ["TreeSampler", "cpu_seconds", "descendants", "tree_memory_kb"]

PROC = Path("/proc")
_PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
_TICKS = os.sysconf("SC_CLK_TCK")


def _parents() -> dict[int, int]:
    """Return each live process's parent, by pid."""
    parents = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # it ended meanwhile
            continue
        # pid (comm) state ppid ...: comm may hold spaces and parentheses.
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    return parents


def descendants(root: int) -> list[int]:
    """Return ``root`` and every live process descended from it.

    >>> descendants(os.getpid())[0] == os.getpid()
    True
    """
    children: dict[int, list[int]] = {}
    for pid, parent in _parents().items():
        children.setdefault(parent, []).append(pid)
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def _memory_kb(pid: int, *, pss: bool = True) -> tuple[int, int]:
    """Return the RSS and PSS of ``pid`` in KiB (0, 0 if it ended); without ``pss``, RSS twice."""
    try:
        rss = int((PROC / str(pid) / "statm").read_text().split()[1]) * _PAGE_KB
        if not pss:
            return rss, rss
        for line in (PROC / str(pid) / "smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return rss, int(line.split()[1])
    except (OSError, IndexError, ValueError):
        return 0, 0
    return rss, rss


def cpu_seconds(pid: int) -> float:
    """Return the CPU seconds of ``pid`` and of the children it has waited for (0 if gone).

    User and system time, every thread: ``utime``, ``stime``, ``cutime`` and
    ``cstime`` of ``/proc/PID/stat``. A child's time moves to its parent's once
    the parent has waited for it, so a tree's sum counts each second once.

    >>> cpu_seconds(os.getpid()) > 0
    True
    """
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return 0.0
    # After "(comm)": the fields from state (3rd) on; utime is the 14th.
    fields = stat.rsplit(")", 1)[1].split()
    return sum(int(field) for field in fields[11:15]) / _TICKS


def tree_memory_kb(root: int) -> tuple[int, int, int]:
    """Return the total RSS and PSS (KiB) of ``root``'s tree, and its process count.

    >>> rss, pss, count = tree_memory_kb(os.getpid())
    >>> rss >= pss > 0 and count >= 1
    True
    """
    tree = descendants(root)
    sizes = [_memory_kb(pid) for pid in tree]
    return sum(r for r, _ in sizes), sum(p for _, p in sizes), len(tree)


class TreeSampler:
    """Sample a process tree's memory and CPU in a thread until :meth:`stop`; keep the peaks.

    Examples
    --------
    >>> sampler = TreeSampler(os.getpid(), interval=0.05)
    >>> sampler.stop().peak_rss_mb > 1
    True
    """

    def __init__(
        self, root: int, *, interval: float = 0.2, pss_interval: float = 5.0
    ) -> None:
        for name, value in (("interval", interval), ("pss_interval", pss_interval)):
            if value <= 0:
                msg = f"{name}: {value} is not a positive number of seconds"
                raise ValueError(msg)
        self.root = root
        self.interval = interval
        self.pss_interval = pss_interval
        #: How many samples read PSS (the costly part).
        self.pss_samples = 0
        self._pss_due = 0.0
        self.peak_rss_mb = 0.0
        self.peak_pss_mb = 0.0
        self.peak_processes = 0
        #: (``time.monotonic()`` of each sample, CPU seconds the tree had used).
        self.cpu: list[tuple[float, float]] = []
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        tree = descendants(self.root)
        now = time.monotonic()
        with_pss = now >= self._pss_due
        sizes = [_memory_kb(pid, pss=with_pss) for pid in tree]
        used = sum(cpu_seconds(pid) for pid in tree)
        self.cpu.append((now, used))
        rss, pss, count = sum(r for r, _ in sizes), sum(p for _, p in sizes), len(tree)
        self.peak_rss_mb = max(self.peak_rss_mb, rss / 1024)
        if with_pss:
            self.peak_pss_mb = max(self.peak_pss_mb, pss / 1024)
            self.pss_samples += 1
            self._pss_due = now + self.pss_interval
        self.peak_processes = max(self.peak_processes, count)

    def _run(self) -> None:
        while True:
            self._sample()
            if self._done.wait(self.interval):
                return

    def stop(self) -> TreeSampler:
        """Stop sampling (after one last sample); return the sampler."""
        self._done.set()
        self._thread.join()
        return self
