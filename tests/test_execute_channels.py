"""A page's kernel talks to the build over Unix sockets (tfdocs_sphinx.execute.channels)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import nbformat
import pytest

from tfdocs_sphinx.execute import channels, pool, rerun

if TYPE_CHECKING:
    from collections.abc import Callable

    from nbformat import NotebookNode


#: Run in the kernel: its transport, what its folder holds, the ports its
#: channels listen on (read from /proc by tests/listening.py).
_KERNEL_SOCKETS = f"""
import os, sys
sys.path.insert(0, {str(Path(__file__).parent)!r})
from ipykernel.connect import get_connection_info
from listening import listeners_of

_ports = {{listener.port for listener in listeners_of(os.getpid())}}
# ipykernel's pipe for the output of forked processes binds a port of its own
# (bound and kept, no race): every other port would be a channel's.
_ports.discard(get_ipython().kernel.iopub_thread._pipe_port)
print(get_connection_info(unpack=True)["transport"], os.listdir("."), sorted(_ports))
"""


def _by_the_pool(notebook: NotebookNode, _: Path) -> str | None:
    return pool.execute_notebook(notebook, timeout=60, allow_errors=False)[1].error


def _by_myst_nb(notebook: NotebookNode, cwd: Path) -> str | None:
    """As myst-nb runs a page that failed in the pool (rerun.py wraps it)."""
    from jupyter_cache.executors.utils import single_nb_execution

    result = rerun.reported(single_nb_execution)(notebook, str(cwd), 60, False)
    return result.exc_string


@pytest.mark.parametrize("run", [_by_the_pool, _by_myst_nb])
def test_a_pages_kernel_talks_over_unix_sockets_not_tcp_ports(
    zygote_pid: int, tmp_path: Path, run: Callable[[NotebookNode, Path], str | None]
) -> None:
    # Its TCP ports would be chosen by binding port 0 and closing it, free for
    # another process to take before the kernel binds them.
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "tfdocs", "display_name": "tfdocs"}
    notebook.cells = [nbformat.v4.new_code_cell(_KERNEL_SOCKETS)]
    cwd = tmp_path / "page"  # tmp_path holds the zygote's socket
    cwd.mkdir()
    error = run(notebook, cwd)
    assert error is None, error
    # The sockets are not in the page's folder, and no channel has a port.
    assert notebook.cells[0].outputs[0]["text"] == "ipc [] []\n"


def test_the_sockets_folder_is_private_and_goes_with_the_block() -> None:
    with channels.unix_sockets() as config:
        folder = Path(config.KernelManager.ip).parent
        assert folder.is_dir()
        assert folder.stat().st_mode & 0o077 == 0  # no one else's to connect to
    assert not folder.exists()
