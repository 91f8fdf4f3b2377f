"""Start notebook kernels with TensorFlow already imported, by forking.

A fresh Jupyter kernel pays several seconds before the first cell runs, mostly
``import tensorflow``, and every page of the site pays it again. A zygote pays it
once: a server process imports TensorFlow, Keras and ipykernel, executes
nothing, and then forks one child per kernel. Forking is safe here because the
zygote never runs an op, so TensorFlow has started no thread pools whose locks a
child could inherit; each child starts its own on its first op.

Two entry points share this module (it imports nothing heavy at the top):

``python -m tfdocs_sphinx.execute.zygote serve SOCKET [MODULE ...]``
    The zygote. It listens on the Unix socket ``SOCKET`` before it imports
    the modules (the site's ``tfdocs_preload``), so a kernel asked for during
    the imports waits instead of failing.
``python -m tfdocs_sphinx.execute.zygote -f CONNECTION_FILE [ipykernel options]``
    The ``argv`` of the ``tfdocs`` kernelspec. If ``TFDOCS_ZYGOTE`` names a
    zygote's socket (it waits up to 10 s for a zygote that is still starting),
    it hands its working directory, environment and standard streams to the
    zygote, which forks the kernel; it then stands in for the
    kernel (signals are forwarded, its exit status is the kernel's) so Jupyter
    manages it like any kernel. Without a zygote it becomes a plain
    ``ipykernel_launcher``.

The fork-server is written here because the one in the standard library
(``multiprocessing.forkserver``) runs Python functions, not kernels with their
own standard streams and process lifetime.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import signal
import socket
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["ENV_VAR", "KERNEL_MODULES", "launch", "serve"]

#: Environment variable naming the zygote's socket.
ENV_VAR = "TFDOCS_ZYGOTE"
#: What every kernel imports: preloaded whatever the site's ``tfdocs_preload``.
KERNEL_MODULES = ("ipykernel.kernelapp", "ipykernel.ipkernel")
_MAX_MESSAGE = 1 << 20


def serve(path: str, *, preload: Sequence[str] = ()) -> None:
    """Run the zygote on the Unix socket ``path`` until it is terminated.

    It imports ``preload`` and ipykernel, and then forks a kernel per request.
    """
    import importlib

    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(64)  # kernels asked for during the imports queue here
    for name in (*preload, *KERNEL_MODULES):
        importlib.import_module(name)
    _forget_tensorflow_logger()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    children: dict[int, socket.socket] = {}  # pid -> the launcher's connection
    try:
        while True:
            for key, _ in selector.select(timeout=0.05):
                if key.fileobj is listener:
                    conn, _ = listener.accept()
                    pid = _fork_kernel(conn, listener, children)
                    if pid:
                        children[pid] = conn
                        selector.register(conn, selectors.EVENT_READ, pid)
                else:  # a launcher closed its end: its kernel must not outlive it
                    _kill(key.data)
                    selector.unregister(key.fileobj)
            _reap(children, selector)
    finally:
        for pid in children:
            _kill(pid)


def _forget_tensorflow_logger() -> None:
    """Undo the logger TensorFlow configured while the zygote imported it.

    TensorFlow sets up its Python logger on first use, for the process it is in:
    in a kernel, INFO and up to the cell's stdout; here, WARNING and up to the
    zygote's stderr, which would send a page's TensorFlow warnings to the build
    log instead of the page (where :mod:`..checks.terminal` catches them). Forgetting
    it makes each kernel set it up again, as a freshly started kernel would.
    """
    if "tensorflow" not in sys.modules:
        return
    import logging

    from tensorflow.python.platform import tf_logging

    logger = logging.getLogger("tensorflow")
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
    logger.setLevel(logging.NOTSET)
    tf_logging._logger = None  # the module's lazy singleton


def _fork_kernel(
    conn: socket.socket, listener: socket.socket, children: dict[int, socket.socket]
) -> int:
    """Fork a kernel for the request on ``conn``; return its pid (0 if none)."""
    try:
        data, fds, _, _ = socket.recv_fds(conn, _MAX_MESSAGE, 3)
        request = json.loads(data)
    except (OSError, ValueError):
        conn.close()
        return 0
    pid = os.fork()
    if pid == 0:  # the kernel
        listener.close()
        for other in children.values():
            other.close()
        _become_kernel(request, fds)
    for fd in fds:
        os.close(fd)
    conn.sendall(json.dumps({"pid": pid}).encode() + b"\n")
    return pid


def _become_kernel(request: dict[str, Any], fds: list[int]) -> None:
    """In the forked child: take the launcher's streams and run ipykernel."""
    code = 1
    try:
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGCHLD):
            signal.signal(signum, signal.SIG_DFL)
        os.setsid()
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        argv = list(request["argv"])
        # ipykernel read JPY_PARENT_PID when the zygote imported it: pass it on.
        if "JPY_PARENT_PID" in os.environ:
            argv.append(f"--IPKernelApp.parent_handle={os.environ['JPY_PARENT_PID']}")
        sys.argv = ["ipykernel_launcher", *argv]
        from ipykernel import kernelapp

        kernelapp.IPKernelApp.launch_instance(argv=argv)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        os._exit(code)  # never return into the zygote's loop


def _reap(children: dict[int, socket.socket], selector: selectors.BaseSelector) -> None:
    """Tell each launcher whose kernel exited its status and peak memory."""
    while children:
        try:
            pid, status, usage = os.wait4(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        conn = children.pop(pid, None)
        if conn is None:  # a process a preloaded module started, not a kernel
            continue
        message = {
            "exit": os.waitstatus_to_exitcode(status),
            "maxrss_kb": usage.ru_maxrss,
        }
        with contextlib.suppress(OSError):
            conn.sendall(json.dumps(message).encode() + b"\n")
        if conn.fileno() != -1:
            with contextlib.suppress(KeyError):
                selector.unregister(conn)
            conn.close()


def _kill(pid: int) -> None:
    """Kill ``pid`` if it still exists."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def launch(argv: list[str]) -> int:
    """Stand in for a kernel forked by the zygote; exec ipykernel without one."""
    path = os.environ.get(ENV_VAR)
    conn = _connect(path) if path else None
    if conn is None:
        python = sys.executable
        os.execv(python, [python, "-m", "ipykernel_launcher", *argv])
    request = {"argv": argv, "cwd": str(Path.cwd()), "env": dict(os.environ)}
    socket.send_fds(conn, [json.dumps(request).encode()], [0, 1, 2])
    replies = conn.makefile("r", encoding="utf-8")
    kernel = json.loads(replies.readline())["pid"]

    def forward(signum: int, _frame: object) -> None:
        """Pass a signal the launcher receives on to its kernel."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(kernel, signum)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT, signal.SIGHUP):
        signal.signal(signum, forward)
    line = replies.readline()
    return json.loads(line)["exit"] if line else 1


def _connect(path: str, *, wait: float = 10.0) -> socket.socket | None:
    """Connect to the zygote at ``path``, waiting while it starts; None if it never does.

    The zygote binds its socket a moment after it is started, and the first
    kernels are asked for at once: without the wait they would fall back to
    plain kernels.
    """
    deadline = time.monotonic() + wait
    while True:
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            conn.connect(path)
        except OSError:
            conn.close()
            if time.monotonic() > deadline:
                return None
            time.sleep(0.02)
        else:
            return conn


def main(argv: list[str]) -> int:
    """Dispatch ``serve SOCKET [MODULE ...]`` to the zygote, anything else to the launcher."""
    if argv[:1] == ["serve"] and len(argv) >= 2:
        serve(argv[1], preload=argv[2:])
        return 0
    return launch(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
