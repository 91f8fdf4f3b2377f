"""The kernel's check for what a page left running (lifetime.end_strays)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tfdocs_sphinx.execute.lifetime import end_strays

#: Run in a new session (as a kernel is): start children, then look for strays.
SCRIPT = """
import json, subprocess, sys, time
from tfdocs_sphinx.execute.lifetime import end_strays
left = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
ended = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
ended.terminate()  # ended by the page, not yet reaped: not a stray
found = end_strays(grace=float(sys.argv[1]))
left.wait(timeout=5)
print(json.dumps({"found": found, "pid": left.pid, "status": left.returncode}))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_what_a_page_leaves_running_is_named_and_killed() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, "1.0"],
        capture_output=True,
        text=True,
        timeout=60,
        start_new_session=True,
        check=True,
    )
    result = json.loads(done.stdout)
    assert result["found"] == [
        f"{result['pid']} {sys.executable} -c import time; time.sleep(600)"
    ]
    assert result["status"] == -9  # killed


def test_grace_must_not_be_negative() -> None:
    with pytest.raises(ValueError, match="grace"):
        end_strays(grace=-1)
