"""A page's kernel talks to the build over Unix sockets, not TCP ports.

jupyter_client chooses a kernel's five TCP ports by binding port 0 and closing
the socket; the kernel binds them a moment later, and in between any other
process may take one (jupyter/jupyter_client#487: its ``LocalPortCache`` guards
the ports of one process only). The kernel then dies before its first reply and
the page's run fails for nothing the page did (the likely cause of a page
that failed in the pool, and that myst-nb ran again, on a loaded CI machine
with builds and tests side by side). IPC sockets in a folder of the run's own
cannot collide, open no port at all, and ipykernel no longer warns on every
page that TCP is unencrypted.
"""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from traitlets.config import Config

__all__ = ["unix_sockets"]


@contextlib.contextmanager
def unix_sockets() -> Iterator[Config]:
    """Yield the ``config`` for a ``NotebookClient`` whose kernel uses IPC sockets.

    The sockets are in a new private folder (``ip`` is their path's prefix for
    the IPC transport), outside the page's working directory so that a page
    listing its folder never sees them; the folder goes when the block ends.

    >>> with unix_sockets() as config:
    ...     config.KernelManager.transport, Path(config.KernelManager.ip).name
    ('ipc', 'kernel')
    """
    from traitlets.config import Config

    with tempfile.TemporaryDirectory(prefix="tfdocs-kernel-") as folder:
        ip = str(Path(folder, "kernel"))
        yield Config({"KernelManager": {"transport": "ipc", "ip": ip}})
