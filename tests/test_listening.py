"""Nothing the build starts listens beyond loopback (issue 14, item 2).

``docs/distribution.md`` starts TensorFlow gRPC servers, which listen on every
interface whatever address the cluster names; the page runs them in a network
namespace whose only interface is loopback. ``listening.Sampler`` watches the
listening sockets of this test's process tree (by parent pid and session, not by
name) in ``/proc``. The self-tests prove that it catches a deliberate
``0.0.0.0`` listener that lives for a fraction of a second, and tells confined
listeners from exposed ones; the build test samples a strict build of the site
that executes the page, and fails on any listener another machine could reach,
naming the process.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from listening import Listener, Sampler
from sitebuild import ROOT, build_site

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/net/tcp").exists(), reason="reads Linux's /proc"
)

PAGE = ROOT / "docs" / "distribution.md"
PRIVATE = ("unshare", "--user", "--map-root-user", "--net", "--")
REFUSAL = "No private network here, so no worker is started"

# After `delay` seconds, binds (family, address, kind), says "<pid> <port> <ppid>",
# listens for `seconds` and exits. It never accepts a connection or reads a
# datagram: a deliberate wildcard listener serves nothing in its fraction of a second.
LISTEN = """
import os, socket, sys, time
family, address, kind, seconds, delay = sys.argv[1:]
time.sleep(float(delay))
sock = socket.socket(getattr(socket, family), getattr(socket, kind))
sock.bind((address, 0))
if kind == "SOCK_STREAM":
    sock.listen()
print(os.getpid(), sock.getsockname()[1], os.getppid(), flush=True)
time.sleep(float(seconds))
"""
# A session leader that starts a listener and exits before it listens: the
# listener is re-parented away from the tree.
ORPHAN = """
import os, subprocess, sys, time
os.setsid()
subprocess.Popen([sys.executable, "-c", sys.argv[1], "AF_INET", "0.0.0.0",
                  "SOCK_STREAM", "0.3", "0.5"])
time.sleep(0.1)
"""


@functools.cache
def namespaces() -> bool:
    """Whether this machine lets us make a loopback-only network namespace."""
    if not (shutil.which("unshare") and shutil.which("ip")):
        return False
    probe = [*PRIVATE, "ip", "link", "set", "lo", "up"]
    return subprocess.run(probe, capture_output=True, check=False).returncode == 0


needs_namespaces = pytest.mark.skipif(
    not namespaces(), reason="unshare may not create network namespaces here"
)


@pytest.fixture
def sampler() -> Iterator[Sampler]:
    """A sampler of this process's tree, running while the test runs."""
    with Sampler(os.getpid()).running() as running:
        yield running


def start(
    *prefix: str,
    family: str,
    address: str,
    kind: str = "SOCK_STREAM",
    seconds: float = 0.3,
) -> tuple[int, int]:
    """Run a listener (under ``prefix``) to its end; return its pid and port."""
    command = [*prefix, sys.executable, "-c", LISTEN, family, address, kind]
    result = subprocess.run(
        [*command, str(seconds), "0"], capture_output=True, text=True, check=True
    )
    pid, port, _ = map(int, result.stdout.split())
    return pid, port


def found(sampler: Sampler, pid: int, port: int) -> Listener:
    """The listener that ``sampler`` saw for ``pid`` and ``port``."""
    matches = [item for item in sampler.seen if (item.pid, item.port) == (pid, port)]
    assert len(matches) == 1, sorted(map(str, sampler.seen))
    return matches[0]


@pytest.mark.parametrize(
    ("family", "address", "kind", "proto"),
    [
        ("AF_INET", "0.0.0.0", "SOCK_STREAM", "tcp"),
        ("AF_INET6", "::", "SOCK_STREAM", "tcp6"),
        ("AF_INET", "0.0.0.0", "SOCK_DGRAM", "udp"),
        ("AF_INET6", "::", "SOCK_DGRAM", "udp6"),
    ],
)
def test_a_short_lived_wildcard_listener_is_caught_and_named(
    sampler: Sampler, family: str, address: str, kind: str, proto: str
) -> None:
    pid, port = start(family=family, address=address, kind=kind, seconds=0.2)
    sampler.sample()
    listener = found(sampler, pid, port)
    assert (listener.proto, listener.address) == (proto, address)
    assert listener.exposed
    assert listener in sampler.exposed
    assert f"pid {pid} (" in str(listener)
    assert "import os, socket, sys, time" in listener.command


@pytest.mark.parametrize(
    ("family", "address"), [("AF_INET", "127.0.0.1"), ("AF_INET6", "::1")]
)
def test_a_loopback_listener_is_not_exposed(
    sampler: Sampler, family: str, address: str
) -> None:
    pid, port = start(family=family, address=address)
    listener = found(sampler, pid, port)
    assert listener.loopback
    assert not listener.exposed
    assert not sampler.exposed


def test_a_listener_that_left_the_tree_is_still_followed(sampler: Sampler) -> None:
    with subprocess.Popen(
        [sys.executable, "-c", ORPHAN, LISTEN], stdout=subprocess.PIPE, text=True
    ) as leader:
        pid, port, parent = map(int, leader.stdout.read().split())
    assert parent != leader.pid  # re-parented before it listened
    assert found(sampler, pid, port).exposed


def test_only_the_tree_is_sampled() -> None:
    command = [sys.executable, "-c", LISTEN, "AF_INET", "0.0.0.0", "SOCK_STREAM"]
    with subprocess.Popen(
        [*command, "5", "0"], stdout=subprocess.PIPE, text=True
    ) as listener:
        try:
            pid, port, _ = map(int, listener.stdout.readline().split())
            seen = {(item.pid, item.port) for item in Sampler(pid).sample()}
            assert (pid, port) in seen
            assert not Sampler(pid + 10**7).sample()  # no such process
        finally:
            listener.kill()


def test_a_sampler_that_fails_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    sampler = Sampler(os.getpid())

    def broken() -> set[Listener]:
        raise PermissionError(13, "Permission denied", "/proc")

    monkeypatch.setattr(sampler, "sample", broken)
    with pytest.raises(RuntimeError, match="sampler failed"), sampler.running():
        pass


@needs_namespaces
def test_a_wildcard_listener_in_a_loopback_only_namespace_is_confined(
    sampler: Sampler,
) -> None:
    up = ("sh", "-c", 'ip link set lo up && exec "$@"', "sh")
    pid, port = start(*PRIVATE, *up, family="AF_INET", address="0.0.0.0")
    listener = found(sampler, pid, port)
    assert listener.interfaces == ("lo",)
    assert listener.confined
    assert not listener.exposed


@needs_namespaces
def test_a_namespace_with_another_interface_is_not_confined(
    sampler: Sampler,
) -> None:
    veth = "ip link add v0 type veth peer name v1 && ip link set v0 up"
    probe = subprocess.run([*PRIVATE, "sh", "-c", veth], check=False)
    if probe.returncode != 0:
        pytest.skip("no veth interfaces here")
    up = ("sh", "-c", f'{veth} && exec "$@"', "sh")
    pid, port = start(*PRIVATE, *up, family="AF_INET", address="0.0.0.0")
    listener = found(sampler, pid, port)
    assert "v0" in listener.interfaces
    assert listener.exposed


# Listens on 0.0.0.0 in this machine's namespace, then moves to a namespace of its
# own (unshare(2) with CLONE_NEWUSER | CLONE_NEWNET), keeping the socket.
MOVER = """
import ctypes, os, socket, time
sock = socket.create_server(("0.0.0.0", 0))
if ctypes.CDLL(None, use_errno=True).unshare(0x10000000 | 0x40000000):
    raise OSError(ctypes.get_errno(), "unshare")
print(os.getpid(), sock.getsockname()[1], flush=True)
time.sleep(0.3)
"""


@needs_namespaces
def test_a_socket_made_before_its_process_moved_namespace_is_exposed(
    sampler: Sampler,
) -> None:
    moved = subprocess.run(
        [sys.executable, "-c", MOVER], capture_output=True, text=True, check=True
    )
    pid, port = map(int, moved.stdout.split())
    listener = found(sampler, pid, port)
    assert listener.netns == str(Path("/proc/self/ns/net").readlink())
    assert listener.exposed


def namespace_cell() -> str:
    """The code cell of the page that makes the workers' network namespace."""
    cells = re.findall(
        r"```\{code-cell\} ipython3\n(.*?)```", PAGE.read_text(), re.DOTALL
    )
    (cell,) = [cell for cell in cells if "--map-root-user" in cell]
    return cell


@needs_namespaces
def test_the_page_starts_no_worker_without_a_namespace() -> None:
    # In a user namespace with no uid mapping, the kernel refuses nested ones,
    # as Ubuntu's AppArmor or a container's seccomp policy would.
    code = "import subprocess\n" + namespace_cell()
    result = subprocess.run(
        ["unshare", "--user", "--", sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert f"{REFUSAL}: unshare: " in result.stdout, result.stdout


@pytest.mark.slow
def test_the_distribution_page_listens_on_loopback_only(tmp_path: Path) -> None:
    """A strict build of the site that executes docs/distribution.md."""
    root = tmp_path / "site"
    ignore = shutil.ignore_patterns("auto_examples", "__pycache__")
    shutil.copytree(ROOT / "docs", root / "docs", ignore=ignore)
    shutil.copytree(ROOT / "examples", root / "examples", ignore=ignore)
    with Sampler(os.getpid()).running() as sampler:
        build = build_site(root, env={"TFDOCS_ONLY": r"^distribution\.md$"})
    exposed = "\n".join(map(str, sampler.exposed))
    assert not exposed, f"listening beyond loopback during the build:\n{exposed}"
    if not namespaces():
        # The page then starts no worker and says why, rather than expose anything.
        assert build.returncode == 0, build.output[-3000:]
        page = (root / "_build" / "html" / "distribution.html").read_text("utf-8")
        assert REFUSAL in page
        return
    assert build.returncode == 0, build.output[-3000:]
    # The sampler saw the page's two gRPC servers, confined.
    servers = {
        (item.pid, item.port): item
        for item in sampler.seen
        if item.proto.startswith("tcp") and item.command.endswith("/worker.py")
    }
    assert len(servers) == 2, sorted(map(str, sampler.seen))
    assert all(item.confined for item in servers.values())
    assert sorted(port for _, port in servers) == [20000, 20001]
