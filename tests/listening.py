"""Which sockets a process tree listens on, sampled from ``/proc`` (Linux).

A *listener* is a TCP socket in state LISTEN or a bound, unconnected UDP socket.
Each is reported with the process that holds it and the network namespace it
lives in: a listener in a namespace whose only interface is loopback
(``unshare -rn``) is *confined*, reachable from nowhere but that namespace; one
on a non-loopback address of a namespace with other interfaces is *exposed*.

The tree is followed by parent pid from a root process, not by name; a process
that leaves it (re-parented when its parent dies) is still followed if it was
seen before or belongs to a session that a process of the tree started. Unix
sockets are not network listeners and are left out.

Run a command under the sampler to see everything its tree listened on::

    python tests/listening.py -- python3 -m nox -s docs
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

PROC = Path("/proc")
# /proc/net/tcp state codes: 0A is LISTEN; 07 (CLOSE) is an unconnected UDP socket.
TCP_LISTEN = "0A"
UDP_UNCONNECTED = "07"
TABLES = {
    "tcp": TCP_LISTEN,
    "tcp6": TCP_LISTEN,
    "udp": UDP_UNCONNECTED,
    "udp6": UDP_UNCONNECTED,
}


@dataclass(frozen=True)
class Listener:
    """One listening socket of one process, as seen in one sample."""

    pid: int
    command: str = field(compare=False)
    proto: str  # tcp, tcp6, udp or udp6
    address: str
    port: int
    netns: str  # e.g. net:[4026531840]
    interfaces: tuple[str, ...]  # the interfaces of that namespace

    @property
    def loopback(self) -> bool:
        """Whether the socket is bound to a loopback address."""
        address = ipaddress.ip_address(self.address)
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        return address.is_loopback

    @property
    def confined(self) -> bool:
        """Whether its namespace has no interface but loopback (``unshare -rn``)."""
        return set(self.interfaces) <= {"lo"}

    @property
    def exposed(self) -> bool:
        """Whether another machine could reach it: not loopback, not confined."""
        return not self.loopback and not self.confined

    def __str__(self) -> str:
        where = "confined namespace" if self.confined else "namespace"
        host = f"[{self.address}]" if ":" in self.address else self.address
        return (
            f"{self.proto} {host}:{self.port} pid {self.pid} ({self.command}) "
            f"in {where} {self.netns} with {', '.join(self.interfaces)}"
        )


def _address(hex_address: str) -> str:
    """Decode the local address of a /proc/net/{tcp,udp}[6] line."""
    raw = bytes.fromhex(hex_address)
    # The kernel prints each 32-bit word in host (little-endian) byte order.
    words = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
    return str(ipaddress.ip_address(words))


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return ""


def _identity(pid: int) -> tuple[int, int, int] | None:
    """(parent pid, session id, start time) of a live process, or None."""
    stat = _read(PROC / str(pid) / "stat")
    if not stat:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    return int(fields[1]), int(fields[3]), int(fields[19])


def _command(pid: int) -> str:
    words = _read(PROC / str(pid) / "cmdline").split("\0")
    text = " ".join(word for word in words if word)
    return text if len(text) <= 160 else text[:157] + "..."


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    with suppress(FileNotFoundError, ProcessLookupError, PermissionError):
        for fd in os.scandir(PROC / str(pid) / "fd"):
            with suppress(OSError):
                target = str(Path(fd.path).readlink())
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
    return inodes


Table = tuple[tuple[str, ...], dict[str, tuple[str, str, int]]]


def _table(pid: int) -> Table:
    """The interfaces and the listeners of the network namespace of ``pid``.

    The listeners map a socket's inode to its protocol, address and port.
    """
    devices = _read(PROC / str(pid) / "net" / "dev").splitlines()[2:]
    interfaces = tuple(sorted(line.split(":", 1)[0].strip() for line in devices))
    sockets = {}
    for proto, state in TABLES.items():
        for line in _read(PROC / str(pid) / "net" / proto).splitlines()[1:]:
            columns = line.split()
            if columns[3] == state:
                address, port = columns[1].split(":")
                sockets[columns[9]] = (proto, _address(address), int(port, 16))
    return interfaces, sockets


def listeners_of(pid: int, tables: dict[str, Table] | None = None) -> list[Listener]:
    """The listening sockets that process ``pid`` holds now.

    ``tables`` caches each namespace's table for one sample of many processes.
    """
    inodes = _socket_inodes(pid)
    if not inodes:
        return []
    try:
        netns = str((PROC / str(pid) / "ns" / "net").readlink())
    except OSError:
        return []
    tables = {} if tables is None else tables
    if netns not in tables:
        tables[netns] = _table(pid)
    found = []
    # A socket lives in the namespace it was made in, which is the process's
    # own unless the process moved (setns): look there first, then elsewhere.
    for name in sorted(tables, key=lambda name: name != netns):
        interfaces, sockets = tables[name]
        for inode in sorted(inodes & sockets.keys()):
            found.append(
                Listener(pid, _command(pid), *sockets[inode], name, interfaces)
            )
            inodes.discard(inode)
    return found


@dataclass
class Sampler:
    """Samples the listeners of the tree below ``root`` every ``interval`` seconds.

    ``seen`` holds every distinct listener any sample found; ``samples`` counts
    the samples taken and ``pids`` every process of the tree that was followed.
    """

    root: int
    interval: float = 0.02
    seen: set[Listener] = field(default_factory=set)
    samples: int = 0
    pids: set[int] = field(default_factory=set)
    _followed: dict[int, int] = field(default_factory=dict)  # pid -> start time
    _sessions: set[int] = field(default_factory=set)  # started by the tree

    def tree(self) -> list[int]:
        """``root``, the processes below it, and those that left it but still live.

        A process leaves the tree when its parent dies and it is re-parented. It
        is still followed if it was seen before, or if it belongs to a session
        that a process of the tree started (a kernel calls ``setsid``, and the
        processes its page starts stay in its session).
        """
        parents: dict[int, list[int]] = {}
        identities = {}
        for entry in os.scandir(PROC):
            if entry.name.isdigit():
                identity = _identity(int(entry.name))
                if identity:
                    parents.setdefault(identity[0], []).append(int(entry.name))
                    identities[int(entry.name)] = identity
        found = {self.root} & identities.keys()
        found |= {
            pid for pid, (_, sid, _) in identities.items() if sid in self._sessions
        }
        found |= {
            pid
            for pid, start in self._followed.items()
            if pid in identities and identities[pid][2] == start
        }
        queue = list(found)
        while queue:
            pid = queue.pop()
            for child in parents.get(pid, ()):
                if child not in found:
                    found.add(child)
                    queue.append(child)
        self._followed = {pid: identities[pid][2] for pid in found}
        self._sessions |= {pid for pid in found if identities[pid][1] == pid}
        return sorted(found)

    def sample(self) -> set[Listener]:
        """Take one sample; return what it found."""
        found: set[Listener] = set()
        # This process's namespace (the host's, usually) is always searched.
        own = str((PROC / "self" / "ns" / "net").readlink())
        tables = {own: _table(os.getpid())}
        for pid in self.tree():
            self.pids.add(pid)
            found.update(listeners_of(pid, tables))
        self.seen = self.seen | found  # a new set: readers never see it change
        self.samples += 1
        return found

    @property
    def exposed(self) -> list[Listener]:
        """Every listener seen that another machine could have reached."""
        return sorted((item for item in self.seen if item.exposed), key=str)

    @contextmanager
    def running(self) -> Iterator[Sampler]:
        """Sample in a background thread while the ``with`` block runs.

        An error in the thread is raised when the block ends, so a sampler that
        stopped early never passes for one that saw nothing.
        """
        stop = threading.Event()
        errors: list[Exception] = []

        def loop() -> None:
            try:
                while not stop.is_set():
                    self.sample()
                    stop.wait(self.interval)
            except (OSError, ValueError, IndexError) as error:  # raised below
                errors.append(error)

        thread = threading.Thread(target=loop, name="listener-sampler", daemon=True)
        thread.start()
        try:
            yield self
        finally:
            stop.set()
            thread.join()
        if errors:
            msg = "the listener sampler failed"
            raise RuntimeError(msg) from errors[0]
        self.sample()


def main(argv: list[str] | None = None) -> int:
    """Run a command, sample its process tree, print every listener seen."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--interval", type=float, default=0.02)
    parser.add_argument("command", nargs="+")
    args = parser.parse_args(argv)
    started = time.monotonic()
    process = subprocess.Popen(args.command)
    sampler = Sampler(process.pid, interval=args.interval)
    with sampler.running():
        returncode = process.wait()
    seconds = time.monotonic() - started
    print(
        f"listening: {sampler.samples} samples in {seconds:.1f} s, "
        f"{len(sampler.pids)} processes followed",
        file=sys.stderr,
    )
    for listener in sorted(sampler.seen, key=str):
        label = "EXPOSED" if listener.exposed else "ok"
        print(f"listening: {label:7} {listener}", file=sys.stderr)
    if sampler.exposed:
        return returncode or 1
    return returncode


if __name__ == "__main__":
    sys.exit(main())
