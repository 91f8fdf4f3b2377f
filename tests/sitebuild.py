"""Build tiny fixture sites with the project's real ``conf.py``."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tfdocs_sphinx.locations import runs_path, sphinx_build_args
from tfdocs_sphinx.runs import Record, read_record

ROOT = Path(__file__).parents[1]
SITES = Path(__file__).parent / "sites"
#: Seconds a fixture build may take (the slowest take a minute on a busy machine).
BUILD_TIMEOUT = 400
#: ``sphinx-build`` options of every fixture build: fixture pages exercise the
#: machinery, not the site, so they need no description (conf.py requires one;
#: test_publish_features turns the requirement back on with a later ``-D``).
FIXTURE_OPTIONS = ("-D", "tfdocs_require_description=0")


@dataclass(frozen=True)
class SiteBuild:
    """The result of one ``sphinx-build`` run of a fixture site."""

    root: Path
    returncode: int
    output: str
    #: The run record this build wrote (what ran, in it or before), if any.
    record: Record | None

    @property
    def html(self) -> Path:
        """The folder the HTML was written to."""
        return self.root / "_build" / "html"

    @property
    def doctrees(self) -> Path:
        """The folder of the build's environment and run record."""
        return self.root / "_build" / "doctrees"

    @property
    def runs(self) -> Record:
        """The run record this build wrote; a later build in the root writes another."""
        assert self.record is not None, self.output
        return self.record


def build_site(
    root: Path,
    *pages: Path,
    env: dict[str, str] | None = None,
    options: tuple[str, ...] = (),
) -> SiteBuild:
    """Build the base fixture site plus ``pages`` strictly, as ``nox -s docs`` does.

    ``.py`` files go to the gallery, everything else to ``docs/``. Building twice
    in the same ``root`` reuses the previous build's environment and caches.
    ``env`` adds to the environment of the build; ``options`` are extra
    ``sphinx-build`` options such as ``("-D", "name=value")``.
    """
    command = site_command(root, *pages, options=options)
    returncode, output = run_build(command, env={**os.environ, **(env or {})})
    doctrees = root / "_build" / "doctrees"
    record = read_record(doctrees) if runs_path(doctrees).is_file() else None
    return SiteBuild(root, returncode, output, record)


def run_build(
    command: list[str], *, env: dict[str, str], timeout: float = BUILD_TIMEOUT
) -> tuple[int, str]:
    """Run the Python ``command`` (a build); return its exit status and output.

    A build that outlives ``timeout`` fails the test with what it was doing: the
    stacks of its Python threads (``faulthandler`` on SIGABRT) and its process
    tree; then its whole process group is killed, so nothing it started holds
    the output pipe open.
    """
    command = [command[0], "-X", "faulthandler", *command[1:]]
    with subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        start_new_session=True,
    ) as process:
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            tree = subprocess.run(
                ["ps", "-o", "pid,ppid,pgid,etime,stat,args", "--forest", "-g", str(process.pid)],
                capture_output=True, text=True, check=False,
            ).stdout  # fmt: skip
            process.send_signal(signal.SIGABRT)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=30)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            output, _ = process.communicate()
            msg = f"the build outlived {timeout} s:\n{output}\nprocesses:\n{tree}"
            raise AssertionError(msg) from None
    return process.returncode, output


def site_command(root: Path, *pages: Path, options: tuple[str, ...] = ()) -> list[str]:
    """Lay out the fixture site in ``root`` (as :func:`build_site`); return its command.

    For a test that runs the build itself, to do something to it while it runs.
    """
    if not (root / "docs").exists():
        shutil.copytree(SITES / "base", root, dirs_exist_ok=True)
        for page in pages:
            folder = "examples" if page.suffix == ".py" else "docs"
            shutil.copy(page, root / folder / page.name)
    args = sphinx_build_args(
        confdir=ROOT,
        srcdir=root / "docs",
        outdir=root / "_build" / "html",
        doctreedir=root / "_build" / "doctrees",
    )
    return [sys.executable, "-m", "sphinx", *args, *FIXTURE_OPTIONS, *options]


def marked_line(path: Path, marker: str = "fails here") -> int:
    """Return the 1-based number of the line of ``path`` that holds ``marker``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if marker in line)
