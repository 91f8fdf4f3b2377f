"""Kernels forked from the zygote behave like freshly started kernels."""

from __future__ import annotations

import json
import os
import signal
import socket
import struct
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
            km,
            "import os; print(os.getppid(), os.getcwd(), os.environ['TFDOCS_MARK'],"
            " open('/proc/self/oom_score_adj').read())",
        )
    finally:
        km.shutdown_kernel()
    # The OOM killer picks a kernel before the zygote or the build.
    assert out.split() == [str(zygote_pid), str(tmp_path), "seen", "500"]


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
    try:
        with Path(f"/proc/{pid}/stat").open(encoding="ascii") as stat:
            return stat.read().split()[2] != "Z"  # a zombie is dead, only unreaped
    except (FileNotFoundError, ProcessLookupError):  # gone in between
        return False


# -- Faults: no single client can end the zygote ------------------------------


def _client(zygote_pid: int) -> socket.socket:
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    conn.connect(os.environ[zygote.ENV_VAR])
    return conn


def _wait_for_socket() -> None:
    path = Path(os.environ[zygote.ENV_VAR])
    deadline = time.monotonic() + 30
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.05)


def test_misbehaving_clients_leave_the_zygote_serving(
    zygote_pid: int, tmp_path: Path
) -> None:
    _wait_for_socket()
    silent = _client(zygote_pid)  # connects and never sends: must not block the others
    garbage = _client(zygote_pid)
    socket.send_fds(garbage, [b"\x00\x00\x00\x05oops!"], [0, 1, 2])
    truncated = _client(zygote_pid)
    socket.send_fds(truncated, [b"\x00\x00\x10\x00{"], [0, 1, 2])
    truncated.close()
    # A well-formed request whose client leaves before the reply (the review's EPIPE).
    gone = _client(zygote_pid)
    request = json.dumps({"argv": ["--version"], "cwd": str(tmp_path), "env": {}})
    header = struct.pack("!I", len(request))
    socket.send_fds(gone, [header, request.encode()], [0, 1, 2])
    gone.close()
    assert garbage.recv(1) == b""  # dropped, with no reply
    garbage.close()

    started = time.monotonic()
    km = KernelManager(kernel_name="tfdocs")
    km.start_kernel(cwd=str(tmp_path))
    try:
        out = run(km, "import os; print(os.getppid())")
    finally:
        km.shutdown_kernel()
    assert out.split() == [str(zygote_pid)]  # forked by the zygote, still serving
    assert time.monotonic() - started < zygote.REQUEST_TIMEOUT + 30
    assert _alive(zygote_pid)
    # The silent client is dropped after the timeout rather than held for ever.
    silent.settimeout(zygote.REQUEST_TIMEOUT + 10)
    assert silent.recv(1) == b""
    silent.close()
    assert _alive(zygote_pid)


def test_a_large_environment_reaches_the_kernel(
    zygote_pid: int, tmp_path: Path
) -> None:
    big = "x" * 100_000  # larger than one recvmsg with descriptors (about 36 KB)
    km = KernelManager(kernel_name="tfdocs")
    km.start_kernel(cwd=str(tmp_path), env={**os.environ, "TFDOCS_BIG": big})
    try:
        out = run(km, "import os; print(os.getppid(), len(os.environ['TFDOCS_BIG']))")
    finally:
        km.shutdown_kernel()
    assert out.split() == [str(zygote_pid), str(len(big))]


def test_the_zygotes_socket_appears_only_once_it_accepts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A launcher that finds the socket but is refused takes the zygote for gone.
    path = tmp_path / "zygote.sock"
    existed: list[bool] = []
    listen = socket.socket.listen

    def spy(self: socket.socket, *args: int) -> None:
        existed.append(path.exists())
        listen(self, *args)

    monkeypatch.setattr(socket.socket, "listen", spy)
    with zygote._listen(str(path)), socket.socket(socket.AF_UNIX) as client:
        client.connect(str(path))
    assert existed == [False]
    assert [p.name for p in tmp_path.iterdir()] == ["zygote.sock"]


def test_a_dead_zygote_leaves_plain_kernels_without_waiting(
    zygote_pid: int, tmp_path: Path
) -> None:
    _wait_for_socket()
    os.kill(zygote_pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while _alive(zygote_pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    started = time.monotonic()
    km = KernelManager(kernel_name="tfdocs")
    km.start_kernel(cwd=str(tmp_path))
    try:
        pid = int(run(km, "import os; print(os.getpid())"))
    finally:
        launcher = km.provisioner.process.pid
        km.shutdown_kernel()
    assert pid == launcher  # a plain kernel, exec'd in place
    assert time.monotonic() - started < 10  # no 10 s wait for a zygote that is gone


def test_a_kernel_and_what_its_page_started_die_with_the_zygote(
    zygote_pid: int, tmp_path: Path
) -> None:
    km = KernelManager(kernel_name="tfdocs")
    km.start_kernel(cwd=str(tmp_path))
    out = run(
        km,
        "import os, subprocess, sys\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)'])\n"
        "print(os.getpid(), child.pid)",
    )
    kernel, child = map(int, out.split())
    os.kill(zygote_pid, signal.SIGTERM)
    deadline = time.monotonic() + 5
    while (_alive(kernel) or _alive(child)) and time.monotonic() < deadline:
        time.sleep(0.05)
    km.shutdown_kernel(now=True)
    assert not _alive(kernel)
    assert not _alive(child)


# -- call: a function in a child ----------------------------------------------


def test_call_runs_a_function_in_a_child_with_the_given_streams(
    zygote_pid: int, tmp_path: Path
) -> None:
    _wait_for_socket()
    out = tmp_path / "out.txt"
    with Path(os.devnull).open("rb") as stdin, out.open("wb") as stdout:
        streams = (stdin.fileno(), stdout.fileno(), stdout.fileno())
        ended = zygote.call(
            os.environ[zygote.ENV_VAR], "calendar:main", ["calendar", "2026", "12"],
            stdio=streams,
        )  # fmt: skip
        failed = zygote.call(
            os.environ[zygote.ENV_VAR], "calendar:main", ["calendar", "no-year"],
            stdio=streams,
        )  # fmt: skip
    assert ended.status == 0
    assert ended.maxrss_kb > 0
    assert "December 2026" in out.read_text(encoding="utf-8")
    assert failed.status == 2  # argparse's exit status: the function's own
    assert "invalid int value: 'no-year'" in out.read_text(encoding="utf-8")
    assert _alive(zygote_pid)


def test_call_says_what_is_wrong(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="function must be 'module:name'"):
        zygote.call(str(tmp_path / "z.sock"), "calendar.main", [])
    with pytest.raises(OSError, match="no zygote answers at"):
        zygote.call(str(tmp_path / "z.sock"), "calendar:main", [])
