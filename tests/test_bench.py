"""How tools/bench.py times a command: CPU of the whole tree, and stopping it."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

import bench

#: A parent that waits for a child spinning on the CPU for 0.6 s.
_BUSY_CHILD = textwrap.dedent("""
    import subprocess, sys
    subprocess.run([sys.executable, "-c",
        "import time\\nend = time.process_time() + 0.6\\n"
        "while time.process_time() < end: pass"], check=True)
""")


def test_cpu_seconds_include_the_children() -> None:
    measured = bench._timed([sys.executable, "-c", _BUSY_CHILD])
    assert measured.cpu_s >= 0.6
    assert measured.seconds >= 0.6
    assert measured.tree_rss_mb > 0
    # No line marks a later phase: the whole run is its start, busy on one core.
    [start, *later] = measured.phases
    assert start.seconds == pytest.approx(measured.seconds)
    assert start.cpu_s == pytest.approx(measured.cpu_s)
    assert all(phase.seconds == 0 for phase in later)


def test_a_failing_command_fails_the_measure() -> None:
    with pytest.raises(RuntimeError, match="exited with 3"):
        bench._timed([sys.executable, "-c", "raise SystemExit(3)"])


def test_an_interrupted_measure_stops_its_command(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    started: list[subprocess.Popen[bytes]] = []
    popen = subprocess.Popen

    def recording_popen(*args: object, **kwargs: object) -> subprocess.Popen[bytes]:
        process = popen(*args, **kwargs)  # type: ignore[call-overload]
        started.append(process)
        return process

    main = threading.main_thread().ident
    assert main is not None

    def interrupt_soon() -> None:  # Ctrl-C, delivered to the waiting main thread
        time.sleep(1)
        signal.pthread_kill(main, signal.SIGINT)

    monkeypatch.setattr(subprocess, "Popen", recording_popen)
    timer = threading.Thread(target=interrupt_soon)
    start = time.monotonic()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        bench._timed([sys.executable, "-c", "import time; time.sleep(60)"])
    timer.join()
    [process] = started
    assert process.poll() is not None  # ended, not left running
    assert time.monotonic() - start < 30


def _measured(seconds: float, cpu_s: float) -> bench.Measured:
    return bench.Measured(seconds, cpu_s, 0.0, 0.0, 0.0, "", [])


def _cold(seconds: float) -> bench.Build:
    return bench.Build(_measured(seconds, 2 * seconds), {}, {}, False, 0)


def test_the_best_floor_and_cold_build_come_from_any_pair() -> None:
    # The floor that used least CPU, the fastest cold build: not one pair's.
    pairs = [(_measured(400, 390), _cold(200)), (_measured(380, 410), _cold(230))]
    floor, cold = bench.best_pair(pairs)
    assert floor.cpu_s == 390
    assert cold.seconds == 200
    floor, cold = bench.best_pair(pairs[::-1])
    assert (floor.cpu_s, cold.seconds) == (390, 200)


def test_no_pair_is_an_error() -> None:
    with pytest.raises(ValueError, match="pairs"):
        bench.best_pair([])
    with pytest.raises(ValueError, match="repeat"):
        bench.bench(repeat=0)


def test_the_spread_floor_shares_the_units_by_their_seconds(tmp_path: Path) -> None:
    docs, examples = tmp_path / "docs", tmp_path / "examples"
    units = [
        bench.Unit(docs / "a.md", "a"),
        bench.Unit(docs / "keras" / "b.md", "keras/b"),
        bench.Unit(examples / "x" / "plot_y.py", "auto_examples/x/plot_y"),
    ]
    seconds = {"a": 10.0, "keras/b": 6.0, "auto_examples/x/plot_y": 5.0}
    names = [unit.path.relative_to(tmp_path).as_posix() for unit in units]
    shares = bench.split_floor(units, seconds, 2, root=tmp_path)
    assert shares == [[names[0]], [names[1], names[2]]]
    # A unit with no time counts as the mean of the others: 7 s.
    shares = bench.split_floor(units, {"a": 10.0, "keras/b": 4.0}, 2, root=tmp_path)
    assert shares == [[names[0]], [names[1], names[2]]]


def test_the_units_are_named_as_the_build_names_them() -> None:
    # conf.py's gallery settings name the examples; the committed durations,
    # written from a build's run record, hold every unit under the same name.
    units = bench.find_units()
    assert {unit.docname for unit in units} == set(bench.committed_seconds(bench.DOCS))
    examples = [unit for unit in units if not unit.is_page]
    assert examples
    assert all(unit.docname.startswith("auto_examples/") for unit in examples)
    assert all(unit.path.name.startswith("plot_") for unit in examples)


def test_the_spread_floor_runs_its_processes_at_once() -> None:
    spin = (
        "import time\nend = time.process_time() + 0.3\n"
        "while time.process_time() < end: pass\ntime.sleep(1.5)"
    )
    commands = [[sys.executable, "-c", spin]] * 2
    measured = bench._timed(
        [sys.executable, "-c", bench.TOGETHER, json.dumps(commands)]
    )
    assert measured.cpu_s >= 0.6  # both children's CPU
    assert measured.seconds < 3.0  # not one after the other (3.6 s)
    failing = [*commands[:1], [sys.executable, "-c", "raise SystemExit(4)"]]
    with pytest.raises(RuntimeError, match="exited with 4"):
        bench._timed([sys.executable, "-c", bench.TOGETHER, json.dumps(failing)])


def test_a_stopped_spread_floor_stops_its_processes(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    child = f"import os, time\nopen({str(pid_file)!r}, 'w').write(str(os.getpid()))\ntime.sleep(60)"
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            bench.TOGETHER,
            json.dumps([[sys.executable, "-c", child]]),
        ]
    )
    deadline = time.monotonic() + 30
    while not pid_file.exists() or not pid_file.read_text():
        assert time.monotonic() < deadline, "the child never started"
        time.sleep(0.05)
    pid = int(pid_file.read_text())
    parent.send_signal(signal.SIGINT)  # as the benchmark's _stop does
    assert parent.wait(timeout=10) != 0
    deadline = time.monotonic() + 10
    while Path(f"/proc/{pid}").exists() and "Z" not in _state(pid):
        assert time.monotonic() < deadline, "the child outlived the spread floor"
        time.sleep(0.05)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"
