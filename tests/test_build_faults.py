"""Faults injected into real fixture builds: what is left, and what is said.

Every process of a build (Sphinx, the zygote, the launchers, the kernels and
what a page starts) carries a marker in its environment, unique to the test:
what is left running is found by that marker, not by name.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from sitebuild import SITES, build_site, marked_line, site_command

pytestmark = pytest.mark.slow

FAULTS = SITES / "faults"
MARK = "TFDOCS_FAULT_MARK"
#: How long, after the build is ended, its processes may take to be gone.
GRACE = 5.0
PAGE_PROCESS = b"time.sleep(300)"  # what the long pages start


def _marked(mark: str) -> dict[int, bytes]:
    """Return the live processes whose environment holds ``MARK=mark``, with commands."""
    needle = f"{MARK}={mark}".encode()
    found = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if needle not in (proc / "environ").read_bytes().split(b"\0"):
                continue
            state = (proc / "stat").read_text(encoding="ascii").rsplit(")", 1)[1]
            if state.split()[0] != "Z":  # a zombie is dead, only not yet reaped
                found[int(proc.name)] = (proc / "cmdline").read_bytes()
        except OSError:  # gone in between
            continue
    return found


def _lineage(pids: dict[int, bytes]) -> dict[int, tuple[int, int]]:
    """Return each live process's parent and process group: who should have ended it."""
    found = {}
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
        except OSError:
            continue
        _state, ppid, pgrp, *_ = stat.rsplit(")", 1)[1].split()
        found[pid] = (int(ppid), int(pgrp))
    return found


def _wait_for(condition: object, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize(
    "signum", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT], ids=lambda s: s.name
)
def test_nothing_outlives_a_build_ended_mid_execution(
    tmp_path: Path, signum: signal.Signals
) -> None:
    mark = uuid.uuid4().hex
    started = tmp_path / "started"
    started.mkdir()
    command = site_command(
        tmp_path / "site",
        FAULTS / "long_a.md",
        FAULTS / "long_b.md",
        options=("-D", "tfdocs_execution_workers=1"),
    )
    env = {**os.environ, MARK: mark, "TFDOCS_FAULT_DIR": str(started)}
    log = (tmp_path / "build.log").open("w")
    build = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        running = _wait_for(
            lambda: any(PAGE_PROCESS in c for c in _marked(mark).values()), 300
        )
        assert running, (tmp_path / "build.log").read_text()
        before = _marked(mark)
        lineage = _lineage(before)
        # Sphinx, the zygote, a launcher, the kernel it forked, what its page started
        assert len(before) >= 5, lineage
        ended = time.monotonic()
        build.send_signal(signum)
        gone = _wait_for(lambda: build.poll() is not None and not _marked(mark), GRACE)
        seconds = time.monotonic() - ended
        left = _marked(mark)
        assert gone, (
            f"left {seconds:.1f} s after {signum.name}: {left}\n"
            f"before, pid: (ppid, pgid): {lineage}\n"
            + (tmp_path / "build.log").read_text()
        )
        assert build.wait(timeout=1) != 0
        # The page queued behind the running one never started.
        assert sorted(p.name for p in started.iterdir()) == ["long_a"]
    finally:
        if build.poll() is None:
            build.kill()
            build.wait()
        for pid in _marked(mark):  # only this test's processes: they carry its marker
            os.kill(pid, signal.SIGKILL)
        log.close()


def test_a_dead_zygote_is_reported_once_and_the_build_finishes(
    tmp_path: Path,
) -> None:
    build = build_site(
        tmp_path,
        FAULTS / "kills_zygote.md",
        FAULTS / "after_zygote.md",
        options=("-D", "tfdocs_execution_workers=1"),
    )
    assert build.output.count("tfdocs: the zygote (pid") == 1, build.output
    assert "Traceback" not in build.output, build.output
    for page, text in {
        "kills_zygote": "the page that killed the zygote ran",
        "after_zygote": "the page after the zygote ran",
    }.items():
        html = (build.html / f"{page}.html").read_text(encoding="utf-8")
        assert text in html, page
        assert "failed to execute" not in html, page


def test_a_kernel_killed_mid_cell_is_reported_as_page_and_line(
    tmp_path: Path,
) -> None:
    page = FAULTS / "kernel_killed.md"
    build = build_site(tmp_path, page)
    assert build.returncode != 0, build.output
    assert (
        f"kernel_killed.md:{marked_line(page)}: WARNING: DeadKernelError: "
        "the kernel died while the cell ran"
    ) in build.output, build.output
    assert "Extension error" not in build.output, build.output
    assert "Traceback" not in build.output, build.output


def test_a_page_that_leaves_a_process_running_is_reported_every_build(
    tmp_path: Path,
) -> None:
    mark = uuid.uuid4().hex
    env = {**os.environ, MARK: mark}
    page = FAULTS / "leaves_process.md"
    expected = (
        "leaves_process.md: WARNING: tfdocs: the page left 1 process running "
        "after its last cell, killed by the build: "
    )
    first = build_site(tmp_path, page, env=env)
    assert first.returncode != 0, first.output
    assert expected in first.output, first.output
    assert "time.sleep(600)" in first.output, first.output
    assert "Traceback" not in first.output, first.output
    assert not _marked(mark), "the page's process outlived the build"
    html = (first.html / "leaves_process.html").read_text(encoding="utf-8")
    assert "the page that leaves a process ran" in html
    # Unchanged, the page is not executed again, and still reported.
    second = build_site(tmp_path, page, env=env)
    assert second.returncode != 0, second.output
    assert expected in second.output, second.output
    assert not second.runs.executed(), second.output
    assert second.runs.runs["leaves_process"].leftovers


def test_an_example_whose_process_is_killed_ends_the_build_naming_it(
    tmp_path: Path,
) -> None:
    mark = uuid.uuid4().hex
    build = build_site(
        tmp_path, FAULTS / "plot_killed.py", env={**os.environ, MARK: mark}
    )
    assert build.returncode != 0, build.output
    assert (
        "plot_killed.py: the example's process was killed by SIGKILL (out of "
        "memory, or kill -9) before it finished"
    ) in build.output, build.output
    # Then listed with the other failed examples by sphinx-gallery's summary.
    assert "Unexpected failing examples (1)" in build.output, build.output
    assert build.runs.runs["auto_examples/plot_killed"].error, build.output
    assert _wait_for(lambda: not _marked(mark), GRACE), _marked(mark)
    # Not cached: the next build runs it again, and reports it again.
    again = build_site(tmp_path, env={**os.environ, MARK: mark})
    assert "killed by SIGKILL" in again.output, again.output


def test_output_that_arrives_after_the_reply_is_waited_for(tmp_path: Path) -> None:
    build = build_site(tmp_path, FAULTS / "late_output.md")
    assert build.returncode == 0, build.output
    html = (build.html / "late_output.html").read_text(encoding="utf-8")
    assert "output that arrived 6 s after the reply" in html
    # Executed once, by the pool, and cached with its late output.
    assert list(build.runs.executed()) == ["late_output"], build.output
    assert "myst-nb runs it again" not in build.output, build.output


def test_the_build_after_a_killed_one_executes_what_it_must(tmp_path: Path) -> None:
    mark = uuid.uuid4().hex
    started = tmp_path / "started"
    started.mkdir()
    root = tmp_path / "site"
    pages = (FAULTS / "interrupted.md", FAULTS / "quick.md")
    command = site_command(root, *pages, options=("-D", "tfdocs_execution_workers=1"))
    env = {**os.environ, MARK: mark, "TFDOCS_FAULT_DIR": str(started)}
    build = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    try:
        assert _wait_for(lambda: (started / "interrupted").exists(), 300)
        build.kill()
        build.wait(timeout=10)
        assert _wait_for(lambda: not _marked(mark), GRACE), _marked(mark)
    finally:
        if build.poll() is None:
            build.kill()
            build.wait()
        for pid in _marked(mark):
            os.kill(pid, signal.SIGKILL)
    # The next build: the killed page and the one queued behind it, nothing else.
    quick = {**env, "TFDOCS_FAULT_SLEEP": "0.5"}
    after = build_site(root, *pages, env=quick)
    assert after.returncode == 0, after.output
    assert set(after.runs.executed()) == {"interrupted", "quick"}, after.output
    html = (after.html / "interrupted.html").read_text(encoding="utf-8")
    assert "the interrupted page ran to the end" in html
    # And the one after that executes nothing.
    again = build_site(root, *pages, env=quick)
    assert again.returncode == 0, again.output
    assert not again.runs.executed(), again.output
