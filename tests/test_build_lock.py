"""Two builds of one clone: the second waits for the first, or stops saying why."""

from __future__ import annotations

import fcntl
import os
import subprocess
import time
from pathlib import Path

import pytest

from sitebuild import SITES, build_site, site_command
from tfdocs_sphinx.execute.lock import LOCK_FILE, BuildLocked, acquire

pytestmark = pytest.mark.slow

PAGE = SITES / "publish" / "alpha.md"


def _hold(root: Path) -> int:
    """Hold the build lock of the site in ``root`` as another build would."""
    path = root / "_build" / "doctrees" / LOCK_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    os.ftruncate(fd, 0)
    os.write(fd, b"4242\n")
    return fd


def test_a_second_build_gives_up_naming_the_first(tmp_path: Path) -> None:
    fd = _hold(tmp_path)
    try:
        build = build_site(tmp_path, PAGE, options=("-D", "tfdocs_lock_wait=1"))
    finally:
        os.close(fd)
    assert build.returncode != 0, build.output
    assert "another build of this clone (pid 4242) holds" in build.output
    assert "gave up after waiting 1 s" in build.output
    assert "Traceback" not in build.output, build.output
    assert build_site(tmp_path).returncode == 0  # released: the next build runs


def test_a_second_build_waits_for_the_first(tmp_path: Path) -> None:
    fd = _hold(tmp_path)
    log = tmp_path / "build.log"
    with log.open("w") as out:
        build = subprocess.Popen(
            site_command(tmp_path, PAGE), stdout=out, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 60
        while "waiting up to" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert build.poll() is None, log.read_text()  # waiting, not building
        os.close(fd)
        assert build.wait(timeout=300) == 0, log.read_text()
    assert "another build of this clone (pid 4242)" in log.read_text()


def test_the_lock_is_taken_once_per_process(tmp_path: Path) -> None:
    path = tmp_path / LOCK_FILE
    assert acquire(path, wait=0) is False
    assert acquire(path, wait=0) is False  # already ours
    assert path.read_text().strip() == str(os.getpid())
    with pytest.raises(ValueError, match="wait must be at least 0"):
        acquire(tmp_path / "other.lock", wait=-1)
    assert issubclass(BuildLocked, Exception)
