"""A build's phases and the cores each left idle (tools/bench_timeline.py)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import pytest

from bench_memory import TreeSampler
from bench_timeline import OutputClock, phases

MARKS = [("start", ""), ("busy", "busy now"), ("idle", "idle now")]


def test_phases_start_at_their_first_line_and_count_idle_cores() -> None:
    lines = [
        (10.0, "hello\n"),
        (12.0, "busy now\n"),
        (13.0, "busy now\n"),
        (16.0, "idle now\n"),
    ]
    # Two cores: 1 CPU s in the first 2 s, 8 in the next 4, 1 in the last 4.
    cpu = [(10.0, 0.0), (12.0, 1.0), (16.0, 9.0), (20.0, 10.0)]
    found = phases(lines, cpu, start=10.0, end=20.0, cores=2, marks=MARKS)
    assert [(p.name, p.start_s, p.seconds, p.cpu_s, p.idle_core_s) for p in found] == [
        ("start", 0.0, 2.0, 1.0, 3.0),
        ("busy", 2.0, 4.0, 8.0, 0.0),
        ("idle", 6.0, 4.0, 1.0, 7.0),
    ]


def test_a_phase_whose_line_never_came_is_empty_and_cpu_never_goes_back() -> None:
    cpu = [(0.0, 0.0), (2.0, 2.0), (3.0, 0.0), (4.0, 4.0)]  # 0 at 3 s: the tree gone
    found = phases([(1.0, "idle now\n")], cpu, start=0.0, end=4.0, cores=1, marks=MARKS)
    assert [(p.name, p.seconds) for p in found] == [
        ("start", 4.0), ("busy", 0.0), ("idle", 0.0),
    ]  # fmt: skip
    assert found[0].cpu_s == 4.0


@pytest.mark.parametrize(
    ("cores", "end", "message"), [(0, 1.0, "cores must be"), (1, -1.0, "end")]
)
def test_bad_arguments_are_refused_naming_them(
    cores: int, end: float, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        phases([], [], start=0.0, end=end, cores=cores)


_PROGRAM = textwrap.dedent("""
    import time
    time.sleep(0.6)
    print("busy now", flush=True)
    end = time.process_time() + 0.8
    while time.process_time() < end:
        pass
    print("idle now", flush=True)
    time.sleep(0.6)
""")


def test_a_real_process_has_its_busy_phase_busy_and_its_idle_phases_idle() -> None:
    start = time.monotonic()
    with subprocess.Popen(
        [sys.executable, "-c", _PROGRAM], stdout=subprocess.PIPE, text=True
    ) as process:
        clock = OutputClock(process.stdout)  # type: ignore[arg-type]
        sampler = TreeSampler(process.pid, interval=0.05)
        process.wait(timeout=60)
        sampler.stop()
        end = time.monotonic()
        lines = clock.join()
    found = {
        p.name: p
        for p in phases(lines, sampler.cpu, start=start, end=end, cores=1, marks=MARKS)
    }
    # In CPU seconds, not wall: on a loaded machine (the suite's other worker,
    # its builds) the 0.8 CPU s of the busy phase took 1.27 s. A line read late
    # moves a bound by as long as it waited.
    busy, idle = found["busy"], found["idle"]
    assert busy.cpu_s == pytest.approx(0.8, abs=0.3)
    assert idle.cpu_s < 0.2
    assert idle.idle_core_s > 0.4
