"""Kernels forked from the zygote behave like freshly started kernels."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from jupyter_client.manager import KernelManager

from tfdocs_sphinx.execute import zygote
from tfdocs_sphinx.locations import KERNELS


def run(km: KernelManager, code: str) -> str:
    """Execute ``code`` in the kernel; return what it printed."""
    client = km.client()
    client.start_channels()
    client.wait_for_ready(timeout=60)
    printed: list[str] = []
    client.execute_interactive(
        code,
        timeout=60,
        output_hook=lambda msg: printed.append(msg["content"].get("text", "")),
    )
    client.stop_channels()
    return "".join(printed)


def test_kernel_is_forked_and_gets_the_launchers_folder_and_environment(
    zygote_pid: int, tmp_path: Path
) -> None:
    km = KernelManager(kernel_name="tfdocs")
    km.start_kernel(cwd=str(tmp_path), env={**os.environ, "TFDOCS_MARK": "seen"})
    try:
        out = run(
            km, "import os; print(os.getppid(), os.getcwd(), os.environ['TFDOCS_MARK'])"
        )
    finally:
        km.shutdown_kernel()
    assert out.split() == [str(zygote_pid), str(tmp_path), "seen"]


def test_killing_the_launcher_kills_its_kernel(zygote_pid: int, tmp_path: Path) -> None:
    km = KernelManager(kernel_name="tfdocs")
    km.start_kernel(cwd=str(tmp_path))
    kernel = int(run(km, "import os; print(os.getpid())"))
    launcher = km.provisioner.process
    os.kill(launcher.pid, signal.SIGKILL)
    launcher.wait(timeout=10)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _alive(kernel):
        time.sleep(0.05)
    km.cleanup_resources()
    assert not _alive(kernel)


def test_without_a_zygote_the_launcher_is_a_plain_kernel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(zygote.ENV_VAR, raising=False)
    monkeypatch.setenv("JUPYTER_PATH", str(KERNELS))
    km = KernelManager(kernel_name="tfdocs")
    km.start_kernel(cwd=str(tmp_path))
    try:
        pid = int(run(km, "import os; print(os.getpid())"))
    finally:
        launcher = km.provisioner.process.pid
        km.shutdown_kernel()
    assert pid == launcher  # exec'd in place: no zygote, no extra process


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with Path(f"/proc/{pid}/stat").open(encoding="ascii") as stat:
        return stat.read().split()[2] != "Z"  # a zombie is dead, only unreaped
