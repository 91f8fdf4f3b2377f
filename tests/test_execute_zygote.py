"""Kernels forked from the zygote behave like freshly started kernels."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from jupyter_client.manager import KernelManager

import tfdocs_executor
import tfdocs_zygote

KERNELS = Path(tfdocs_zygote.__file__).parent


@pytest.fixture
def zygote(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """A zygote that preloads only ipykernel (TensorFlow would cost seconds)."""
    path = tmp_path / "zygote.sock"
    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import sys, tfdocs_zygote; "
                "tfdocs_zygote.serve(sys.argv[1], preload=('ipykernel.kernelapp',))"
            ),
            str(path),
        ]
    )
    monkeypatch.setenv(tfdocs_zygote.ENV_VAR, str(path))
    monkeypatch.setenv("JUPYTER_PATH", str(KERNELS))
    yield server.pid
    server.terminate()
    server.wait(timeout=10)


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
    zygote: int, tmp_path: Path
) -> None:
    km = KernelManager(kernel_name="tfdocs")
    km.start_kernel(cwd=str(tmp_path), env={**os.environ, "TFDOCS_MARK": "seen"})
    try:
        out = run(
            km, "import os; print(os.getppid(), os.getcwd(), os.environ['TFDOCS_MARK'])"
        )
    finally:
        km.shutdown_kernel()
    assert out.split() == [str(zygote), str(tmp_path), "seen"]


def test_killing_the_launcher_kills_its_kernel(zygote: int, tmp_path: Path) -> None:
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
    monkeypatch.delenv(tfdocs_zygote.ENV_VAR, raising=False)
    monkeypatch.setenv("JUPYTER_PATH", str(KERNELS))
    km = KernelManager(kernel_name="tfdocs")
    km.start_kernel(cwd=str(tmp_path))
    try:
        pid = int(run(km, "import os; print(os.getpid())"))
    finally:
        launcher = km.provisioner.process.pid
        km.shutdown_kernel()
    assert pid == launcher  # exec'd in place: no zygote, no extra process


def test_execute_notebook_reports_time_memory_versions_and_errors(zygote: int) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "tfdocs", "display_name": "tfdocs"}
    notebook.cells = [
        nbformat.v4.new_code_cell("x = 6 * 7\nprint(x)"),
        nbformat.v4.new_code_cell("x"),
    ]
    executed, run_ok = tfdocs_executor.execute_notebook(
        notebook, timeout=60, allow_errors=False
    )
    assert executed.cells[0].outputs[0]["text"] == "42\n"
    assert run_ok.error is None
    assert run_ok.seconds > 0
    assert run_ok.peak_mb > 10
    assert set(run_ok.versions) == {"python", "tensorflow", "keras"}

    notebook.cells = [nbformat.v4.new_code_cell("1 / 0")]
    _, run_failed = tfdocs_executor.execute_notebook(
        notebook, timeout=60, allow_errors=False
    )
    assert run_failed.error is not None
    assert "ZeroDivisionError" in run_failed.error


def test_measure_example_records_time_and_peak_beside_the_generated_page(
    tmp_path: Path,
) -> None:
    copy = tmp_path / "docs" / "gallery" / "group" / "plot_x.py"
    copy.parent.mkdir(parents=True)
    copy.write_text("", encoding="utf-8")
    conf = {"src_dir": str(tmp_path / "docs"), "gallery_dirs": "gallery"}
    tfdocs_executor.measure_example(conf, "plot_x.py", "before")
    _ = bytearray(50 * 1024 * 1024)
    tfdocs_executor.measure_example(conf, "plot_x.py", "after")
    record = json.loads(copy.with_suffix(".run.json").read_text(encoding="utf-8"))
    assert record["seconds"] > 0
    assert record["peak_mb"] >= 50
    assert record["versions"]["python"] == sys.version.split()[0]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with Path(f"/proc/{pid}/stat").open(encoding="ascii") as stat:
        return stat.read().split()[2] != "Z"  # a zombie is dead, only unreaped
