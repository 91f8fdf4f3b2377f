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

:func:`call` asks the zygote to fork a child that runs a Python function
instead of a kernel (the gallery's examples, :mod:`.examples`), and waits for
its exit status and peak memory.

The fork-server is written here because the one in the standard library
(``multiprocessing.forkserver``) runs Python functions, not kernels with their
own standard streams and process lifetime.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import selectors
import signal
import socket
import struct
import sys
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tfdocs_sphinx.execute import lifetime

__all__ = ["ENV_VAR", "KERNEL_MODULES", "Exited", "call", "launch", "serve"]

#: Environment variable naming the zygote's socket.
ENV_VAR = "TFDOCS_ZYGOTE"
#: What every kernel imports: preloaded whatever the site's ``tfdocs_preload``.
KERNEL_MODULES = ("ipykernel.kernelapp", "ipykernel.ipkernel")
_MAX_MESSAGE = 1 << 24
#: A request is its length (this header, sent with the three descriptors), then
#: that many bytes of JSON: one ``recvmsg`` that carries descriptors stops at
#: about 36 KB, less than a large environment.
_HEADER = struct.Struct("!I")
#: Seconds a client has, once connected, to send its whole request.
REQUEST_TIMEOUT = 5.0
#: Seconds the zygote waits for the rest of a request that has begun to arrive.
_REST_TIMEOUT = 1.0
_TICK = 0.05


class _Waiting:
    """A client accepted whose request has not arrived yet."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline


def serve(path: str, *, preload: Sequence[str] = ()) -> None:
    """Run the zygote on the Unix socket ``path`` until it is terminated.

    It imports ``preload`` and ipykernel, and then forks a kernel per request.
    No request can end it: a client that sends nothing is dropped after
    :data:`REQUEST_TIMEOUT` without holding up the others, a malformed request
    or a client gone before its reply only loses that client. It exits, killing
    every kernel with what it started, on SIGTERM or when its parent (the
    Sphinx process) dies, however that dies.
    """
    parent = os.getppid()
    lifetime.die_with_parent(signal.SIGTERM, parent=parent)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the build stops us
    listener = _listen(path)
    for name in (*preload, *KERNEL_MODULES):
        importlib.import_module(name)
    _forget_tensorflow_logger()

    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    children: dict[int, socket.socket] = {}  # pid -> the launcher's connection
    try:
        while os.getppid() == parent:
            for key, _ in selector.select(timeout=_TICK):
                try:
                    _handle(key, listener, selector, children)
                except OSError as exc:  # one client's fault (or EMFILE): keep serving
                    _say(f"request failed: {exc}")
            _drop_silent(selector)
            _reap(children, selector)
    finally:
        for pid in children:
            lifetime.kill_group(pid)


def _listen(path: str) -> socket.socket:
    """Listen on the Unix socket ``path``, which appears only once it accepts.

    ``bind`` makes the file and ``listen`` then lets it accept: a launcher that
    connects in between is refused, takes the zygote for gone, and starts a
    plain kernel, which a ``kill -9`` of the build can leave running with what
    its page started. So the socket is bound under another name in the same
    folder and renamed to ``path`` once it listens (a rename is atomic).
    """
    final = Path(path)
    staging = final.with_name(f".{os.getpid()}.{final.name}")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        listener.bind(str(staging))
        listener.listen(64)  # kernels asked for during the imports queue here
        staging.replace(final)
    except OSError:
        listener.close()
        staging.unlink(missing_ok=True)
        raise
    return listener


def _say(message: str) -> None:
    with contextlib.suppress(OSError):
        print(f"tfdocs zygote: {message}", file=sys.stderr, flush=True)


def _handle(
    key: selectors.SelectorKey,
    listener: socket.socket,
    selector: selectors.BaseSelector,
    children: dict[int, socket.socket],
) -> None:
    """Serve one ready socket: a new client, a request, or a launcher gone."""
    if key.fileobj is listener:
        client, _ = listener.accept()
        waiting = _Waiting(time.monotonic() + REQUEST_TIMEOUT)
        selector.register(client, selectors.EVENT_READ, waiting)
        return
    conn = key.fileobj
    assert isinstance(conn, socket.socket)  # only sockets are registered
    selector.unregister(conn)
    if isinstance(key.data, _Waiting):  # the request has arrived (or the client left)
        pid = _fork_kernel(conn, listener, children)
        if pid:
            children[pid] = conn
            selector.register(conn, selectors.EVENT_READ, pid)
        return
    # A launcher closed its end: its kernel must not outlive it.
    lifetime.kill_group(key.data)


def _drop_silent(selector: selectors.BaseSelector) -> None:
    """Close the clients that sent no request in time."""
    now = time.monotonic()
    late = [
        key.fileobj
        for key in selector.get_map().values()
        if isinstance(key.data, _Waiting) and key.data.deadline < now
    ]
    for conn in late:
        assert isinstance(conn, socket.socket)
        selector.unregister(conn)
        conn.close()
        _say("dropped a client that sent no request")


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
    """Fork a kernel for the request on ``conn``; return its pid (0 if none).

    Whatever goes wrong is this request's alone: the connection and the
    descriptors it brought are closed, a kernel whose launcher left before its
    reply is killed, and the zygote serves on.
    """
    fds: list[int] = []
    try:
        request, fds = _read_request(conn)
        pid = os.fork()
    except (OSError, ValueError, TypeError) as exc:
        for fd in fds:
            os.close(fd)
        conn.close()
        _say(f"no kernel forked: {exc}")
        return 0
    if pid == 0:  # the kernel
        listener.close()
        for other in children.values():
            other.close()
        _become_child(request, fds)
    for fd in fds:
        os.close(fd)
    try:
        conn.sendall(json.dumps({"pid": pid}).encode() + b"\n")
    except OSError:  # the launcher has gone: so must its kernel
        lifetime.kill_group(pid)
        conn.close()
        return 0
    return pid


def _read_request(conn: socket.socket) -> tuple[dict[str, Any], list[int]]:
    """Read a launcher's request: its length and descriptors, then its JSON."""
    conn.settimeout(_REST_TIMEOUT)  # it has begun to arrive: the rest follows at once
    header, fds, _, _ = socket.recv_fds(conn, _HEADER.size, 3)
    try:
        if len(header) != _HEADER.size or len(fds) != 3:
            msg = f"request must start with a length and 3 descriptors; got {header!r}"
            raise ValueError(msg)
        (length,) = _HEADER.unpack(header)
        if length > _MAX_MESSAGE:
            msg = f"request of {length} bytes is larger than {_MAX_MESSAGE}"
            raise ValueError(msg)
        data = bytearray()
        while len(data) < length:
            chunk = conn.recv(length - len(data))
            if not chunk:
                msg = f"request ended after {len(data)} of {length} bytes"
                raise ValueError(msg)
            data += chunk
        request = json.loads(data)
        if not (
            isinstance(request, dict)
            and isinstance(request.get("argv"), list)
            and isinstance(request.get("cwd"), str)
            and isinstance(request.get("env"), dict)
            and ":" in request.get("call", ":")
        ):
            msg = (
                "request must have argv (a list), cwd (a str), env (a dict) and "
                "optionally call (a 'module:function' str)"
            )
            raise TypeError(msg)
    except (OSError, ValueError, TypeError):
        for fd in fds:
            os.close(fd)
        raise
    conn.settimeout(None)
    return request, fds


def _become_child(request: dict[str, Any], fds: list[int]) -> None:
    """In the forked child: take the client's streams; run ipykernel or the call."""
    code = 1
    zygote = os.getppid()
    try:
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGCHLD):
            signal.signal(signum, signal.SIG_DFL)
        os.setsid()  # its own process group, killed as one with what its page starts
        lifetime.die_with_parent(signal.SIGKILL, parent=zygote)
        # Out of memory, the kernel is killed (and reported by page and cell)
        # before the zygote or Sphinx: a process may raise its own score.
        with contextlib.suppress(OSError):
            Path("/proc/self/oom_score_adj").write_text("500", encoding="ascii")
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        argv = list(request["argv"])
        if "call" in request:  # a function (call()), not a kernel
            module, _, function = request["call"].partition(":")
            sys.argv = [module, *argv]
            returned = getattr(importlib.import_module(module), function)(argv)
            code = returned if isinstance(returned, int) else 0
            return
        # ipykernel read JPY_PARENT_PID when the zygote imported it: pass it on.
        if "JPY_PARENT_PID" in os.environ:
            argv.append(f"--IPKernelApp.parent_handle={os.environ['JPY_PARENT_PID']}")
        sys.argv = ["ipykernel_launcher", *argv]
        from ipykernel import kernelapp

        kernelapp.IPKernelApp.launch_instance(argv=argv)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:  # noqa: BLE001  (the child's own failure: shown, status 1)
        traceback.print_exc()
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
        # What its page left running dies with it (the group outlives its
        # leader; its id is not reused while a member lives).
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
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


def launch(argv: list[str]) -> int:
    """Stand in for a kernel forked by the zygote; exec ipykernel without one.

    The launcher dies with the process that started it (the build); the zygote
    then kills its kernel. If the zygote cannot fork one, it becomes a plain
    kernel, as it does when there is no zygote.
    """
    lifetime.die_with_parent(signal.SIGKILL, parent=os.getppid())
    path = os.environ.get(ENV_VAR)
    conn = _connect(path) if path else None
    kernel = _request_kernel(conn, argv) if conn is not None else None
    if conn is None or kernel is None:
        python = sys.executable
        os.execv(python, [python, "-m", "ipykernel_launcher", *argv])
    replies = conn.makefile("r", encoding="utf-8")

    def forward(signum: int, _frame: object) -> None:
        """Pass a signal on: an interrupt to the kernel, the others to its group."""
        if signum == signal.SIGINT:
            with contextlib.suppress(ProcessLookupError):
                os.kill(kernel, signum)
        else:
            lifetime.kill_group(kernel, signum)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT, signal.SIGHUP):
        signal.signal(signum, forward)
    line = replies.readline()
    return json.loads(line)["exit"] if line else 1


def _request_kernel(conn: socket.socket, argv: list[str]) -> int | None:
    """Ask the zygote on ``conn`` for a kernel; return its pid, None if it forked none."""
    return _request(conn, {"argv": argv}, [0, 1, 2])


def _request(
    conn: socket.socket, request: dict[str, Any], fds: Sequence[int]
) -> int | None:
    """Send ``request`` with this cwd, environment and ``fds``; return the child's pid.

    ``fds`` become the child's standard streams. None if the zygote forked none.
    """
    request = {**request, "cwd": str(Path.cwd()), "env": dict(os.environ)}
    data = json.dumps(request).encode()
    try:
        socket.send_fds(conn, [_HEADER.pack(len(data)), data], list(fds))
        reply = b""
        while not reply.endswith(b"\n"):  # byte by byte: the exit line follows it
            chunk = conn.recv(1)
            if not chunk:
                return None
            reply += chunk
        pid = json.loads(reply)["pid"]
    except (OSError, ValueError, KeyError):
        return None
    return pid if isinstance(pid, int) and pid > 0 else None


@dataclass(frozen=True)
class Exited:
    """How a child :func:`call` started ended."""

    #: Its exit status, negative for the signal that killed it (``-9``: SIGKILL).
    status: int
    #: Its peak resident memory in kB (``ru_maxrss``).
    maxrss_kb: int


def call(
    path: str, function: str, argv: Sequence[str], *, stdio: Sequence[int] = (0, 1, 2)
) -> Exited:
    """Run ``function(argv)`` in a child the zygote at ``path`` forks; wait for it.

    ``function`` is ``"module:name"``; the child imports the module, calls the
    function with ``argv`` (a list of strings) in this process's working
    directory and environment, with ``stdio`` as its standard streams, and exits
    with the function's return value (an int; otherwise 0), 1 if it raised. As
    for a kernel, the child is in its own process group, killed with what it
    started when it ends or when this connection closes.

    Raises
    ------
    OSError
        If no zygote answers at ``path``, it forks no child, or it goes before
        the child's end is reported (the zygote died).
    """
    if ":" not in function:
        msg = f"function must be 'module:name', got {function!r}"
        raise ValueError(msg)
    conn = _connect(path)
    if conn is None:
        msg = f"no zygote answers at {path}"
        raise OSError(msg)
    with conn, conn.makefile("r", encoding="utf-8") as replies:
        pid = _request(conn, {"call": function, "argv": list(argv)}, stdio)
        if pid is None:
            msg = f"the zygote at {path} forked no child for {function}"
            raise OSError(msg)
        line = replies.readline()
    if not line:
        msg = f"the zygote at {path} went before child {pid} ({function}) ended"
        raise OSError(msg)
    ended = json.loads(line)
    return Exited(status=int(ended["exit"]), maxrss_kb=int(ended["maxrss_kb"]))


def _connect(path: str, *, wait: float = 10.0) -> socket.socket | None:
    """Connect to the zygote at ``path``, waiting while it starts; None if it never does.

    The zygote binds its socket a moment after it is started, and the first
    kernels are asked for at once: without the wait they would fall back to
    plain kernels. A socket that exists but refuses connections belongs to a
    zygote that has exited: no wait then.
    """
    deadline = time.monotonic() + wait
    while True:
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            conn.connect(path)
        except ConnectionRefusedError:
            conn.close()
            return None
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
        with contextlib.suppress(SystemExit):  # SIGTERM: its kernels are killed
            serve(argv[1], preload=argv[2:])
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        # Tearing down TensorFlow's interpreter takes seconds on a busy machine;
        # the zygote has nothing to save, and the build waits for it to exit.
        os._exit(0)
    return launch(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
