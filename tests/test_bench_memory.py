"""Peak memory of a whole process tree (tools/bench_memory.py)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from bench_memory import TreeSampler, descendants

#: A parent that starts a child holding 300 MB, both alive for a second.
_TREE = textwrap.dedent("""
    import subprocess, sys
    child = subprocess.Popen([sys.executable, "-c",
        "import time; data = bytearray(300 * 2**20); time.sleep(1.5)"])
    child.wait()
""")


def _sampled_tree(*, pss_interval: float) -> TreeSampler:
    """Sample the parent-and-child tree of ``_TREE`` every 0.05 s until it ends."""
    process = subprocess.Popen([sys.executable, "-c", _TREE])
    sampler = TreeSampler(process.pid, interval=0.05, pss_interval=pss_interval)
    process.wait(timeout=60)
    return sampler.stop()


def test_the_peak_counts_the_memory_of_every_descendant() -> None:
    sampler = _sampled_tree(pss_interval=0.05)
    assert sampler.peak_processes == 2
    # The child's 300 MB (a fresh bytearray is written: resident, not shared).
    assert 300 <= sampler.peak_pss_mb <= sampler.peak_rss_mb < 600


def test_descendants_of_an_ended_process_are_only_itself() -> None:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait(timeout=60)
    assert descendants(process.pid) == [process.pid]


def test_a_bad_interval_is_refused_naming_the_argument() -> None:
    with pytest.raises(ValueError, match="interval: 0"):
        TreeSampler(1, interval=0)
    with pytest.raises(ValueError, match="pss_interval: -1"):
        TreeSampler(1, pss_interval=-1)


def test_pss_is_read_once_per_pss_interval_and_rss_at_every_sample() -> None:
    sampler = _sampled_tree(pss_interval=60)
    # One costly PSS read (the first sample, before the child's 300 MB); RSS
    # at every sample, so it still saw them.
    assert sampler.pss_samples == 1
    assert len(sampler.cpu) > 10
    assert sampler.peak_rss_mb >= 300


def test_the_cpu_of_the_tree_counts_children_once_waited_for() -> None:
    spin = "import time\nend = time.process_time() + 0.5\nwhile time.process_time() < end: pass"
    parent = f"import subprocess, sys, time\nsubprocess.run([sys.executable, '-c', {spin!r}])\ntime.sleep(0.5)"
    process = subprocess.Popen([sys.executable, "-c", parent])
    sampler = TreeSampler(process.pid, interval=0.05)
    process.wait(timeout=60)
    sampler.stop()
    used = [cpu for _, cpu in sampler.cpu]
    # The child's half second is still counted once it has ended (in its parent's).
    assert max(used) >= 0.5
    assert max(used) < 2.0
