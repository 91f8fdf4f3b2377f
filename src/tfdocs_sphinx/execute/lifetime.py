"""Tie the build's processes to the build: each dies with its parent, as a group.

The executor's processes form a chain: the Sphinx process starts the zygote
and the kernel launchers, the zygote forks the kernels, a kernel starts what
its page starts. Nothing in that chain may outlive the build, however the
build ends (a ``kill -9`` and the OOM killer included), so every link asks the
kernel to signal it when its parent dies (Linux's ``PR_SET_PDEATHSIG``; other
systems rely on the zygote polling its parent), and each kernel leads its own
process group, killed as one with what its page started.

Imports nothing beyond the standard library: the kernel launcher uses it.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import queue
import signal
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx

__all__ = ["die_with_parent", "end_strays", "kill_group", "no_sitemap_manager"]

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def die_with_parent(signum: int, *, parent: int) -> bool:
    """Have this process receive ``signum`` when its parent ``parent`` exits.

    Returns False where the system cannot (not Linux); the caller then polls
    :func:`os.getppid`. If ``parent`` is already gone when this is called (the
    race the man page warns of), ``signum`` is sent at once.

    Written with ``ctypes`` because the standard library has no ``prctl`` and
    one call does not justify a dependency.
    """
    if parent <= 0:
        msg = f"parent must be a positive pid; got {parent!r}"
        raise ValueError(msg)
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, signum, 0, 0, 0) != 0:
        return False
    if os.getppid() != parent:  # the parent died before prctl: no signal would come
        os.kill(os.getpid(), signum)
    return True


def kill_group(pid: int, signum: int = signal.SIGKILL) -> None:
    """Send ``signum`` to the process group that ``pid`` leads, and to ``pid``.

    A kernel leads its own process group, so this reaches whatever its page
    started too (unless that left the group on purpose). ``pid`` is signalled
    on its own as well, in case it has not yet made its group.
    """
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signum)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signum)


def end_strays(*, grace: float = 2.0) -> list[str]:
    """Kill what is left running in this process's group; return what it was.

    A kernel calls this after a page's last cell: its process group holds
    whatever the page started and did not end (a server, a worker, a
    ``sleep``). Processes still there after ``grace`` seconds (time to finish
    exiting for those the page just terminated) are killed, and each is
    returned as ``"<pid> <command line>"``, so the build can name the page.
    Linux only (it reads ``/proc``); elsewhere it returns ``[]``.
    """
    if grace < 0:
        msg = f"grace must be at least 0 seconds; got {grace!r}"
        raise ValueError(msg)
    deadline = time.monotonic() + grace
    members = _group_members()
    while members and time.monotonic() < deadline:
        time.sleep(0.05)
        members = _group_members()
    for pid in members:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return [f"{pid} {command}" for pid, command in sorted(members.items())]


def _group_members() -> dict[int, str]:
    """Return the live processes of this process's group but itself, with commands."""
    proc = Path("/proc")
    if not proc.is_dir():
        return {}
    me, group = os.getpid(), os.getpgrp()
    members = {}
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == me:
            continue
        try:
            stat = (entry / "stat").read_text(encoding="ascii", errors="replace")
            command = (entry / "cmdline").read_bytes()
        except OSError:  # gone in between
            continue
        name, _, rest = stat.rpartition(")")
        state, _ppid, pgrp, *_ = rest.split()
        if int(pgrp) == group and state not in {"Z", "X"}:  # a zombie is dead
            text = command.replace(b"\0", b" ").decode(errors="replace").strip()
            members[int(entry.name)] = text or name.partition("(")[2]
    return members


def no_sitemap_manager(app: Sphinx, config: object) -> None:
    """Give sphinx-sitemap a plain queue instead of one served by a forked process.

    sphinx-sitemap's ``builder-inited`` handler makes a ``multiprocessing.Manager()``
    queue (for builds that write pages in parallel processes): a fork of the
    Sphinx process, made while the pool's threads start kernels. The fork
    inherits the pipe on which a concurrent ``subprocess.Popen`` waits for its
    child's ``exec``, so that ``Popen`` never returns and the build hangs (seen
    in CI); and nothing ties the manager to Sphinx, so ``kill -9`` leaves it
    running. A build that writes in one process (this site's) needs no manager:
    the handler is replaced, at ``config-inited``, by one that makes a plain queue.
    """
    if app.parallel > 1:
        return
    for listener in list(app.events.listeners.get("builder-inited", [])):
        handler = listener.handler
        if getattr(handler, "__module__", "") == "sphinx_sitemap" and (
            getattr(handler, "__name__", "") == "record_builder_type"
        ):
            app.disconnect(listener.id)
            app.connect("builder-inited", _sitemap_links, priority=listener.priority)


def _sitemap_links(app: Sphinx) -> None:
    """Do what sphinx-sitemap's ``record_builder_type`` does, with a plain queue."""
    builder = app.builder
    builder.env.is_directory_builder = (  # type: ignore[attr-defined]
        type(builder).__name__ == "DirectoryHTMLBuilder"
    )
    app.sitemap_links = queue.Queue()  # type: ignore[attr-defined]
