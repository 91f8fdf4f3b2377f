"""A reader of the built site: its units, its address, fresh environments.

What the journey tests do with the site, written once: find every script and
notebook the site offers with the install command its page shows, serve files,
make a fresh virtual environment with exactly one such command, and run a
reader's command in it, cut off from the network where the machine allows.
"""

from __future__ import annotations

import functools
import json
import os
import shlex
import shutil
import subprocess
import sys
import urllib.request
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler
from pathlib import Path

from bs4 import BeautifulSoup

#: What a Jupyter user has beside the page's requirements.
JUPYTER = ("ipykernel",)


@dataclass(frozen=True)
class Unit:
    """A script or notebook the site offers, and the command its page shows."""

    kind: str  # "script" or "notebook"
    page: str  # the HTML page, relative to the site
    download: str  # the file, relative to the site
    command: str  # as the page shows it (with the site's own address)

    @property
    def id(self) -> str:
        """Name the unit in test ids: the page and what is run."""
        return f"{self.page.removesuffix('.html')}:{self.kind}"


@functools.cache
def site_units(site: Path) -> list[Unit]:
    """Every script and notebook the built site offers, with its page's command."""
    units = []
    for path in sorted(site.rglob("*.html")):
        page = path.relative_to(site).as_posix()
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        box = soup.select_one(".tfdocs-install pre")
        if box is None:
            continue
        command = box.get_text().strip()
        downloads = {
            Path(a["href"]).suffix: (path.parent / str(a["href"])).resolve()
            for a in soup.select("a[href]")
            if "_downloads/" in str(a["href"])
        }
        notebook = site / "_sources" / Path(page).with_suffix(".ipynb")
        if ".py" in downloads:  # a gallery example: its script and its notebook
            units.append(Unit("script", page, _rel(downloads[".py"], site), command))
            units.append(
                Unit("notebook", page, _rel(downloads[".ipynb"], site), command)
            )
        elif notebook.is_file():
            units.append(Unit("notebook", page, _rel(notebook, site), command))
    return units


def _rel(path: Path, site: Path) -> str:
    return path.relative_to(site).as_posix()


def site_address(site: Path) -> str:
    """The address the site was built for (``html_baseurl``), from its canonical link."""
    soup = BeautifulSoup((site / "index.html").read_text("utf-8"), "html.parser")
    link = soup.select_one('link[rel="canonical"]')
    assert link is not None, "index.html has no canonical link"
    return str(link["href"]).removesuffix("index.html")


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves files without a log line per request."""

    def log_message(self, format: str, *args: object) -> None:
        """Log nothing."""


def fetch(url: str) -> bytes:
    """Download a file from the local server."""
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.read()


@dataclass(frozen=True)
class Environment:
    """A fresh virtual environment and what runs in it as a reader runs things."""

    root: Path
    home: Path

    @property
    def python(self) -> Path:
        """The environment's interpreter."""
        return self.root / "bin" / "python"

    @property
    def kernels(self) -> Path:
        """A ``JUPYTER_PATH`` folder whose ``python3`` kernel is this environment's."""
        return self.root / "journey-jupyter"

    def env(self) -> dict[str, str]:
        """A reader's shell: this environment first on PATH, nothing of the repo."""
        keep = ("LANG", "LC_ALL", "TERM", "TMPDIR", "PIP_CERT", "PIP_FIND_LINKS",
                "PIP_DEFAULT_TIMEOUT", "PIP_DISABLE_PIP_VERSION_CHECK", "SSL_CERT_FILE")  # fmt: skip
        return {
            **{name: os.environ[name] for name in keep if name in os.environ},
            "PATH": f"{self.root / 'bin'}{os.pathsep}/usr/local/bin:/usr/bin:/bin",
            "HOME": str(self.home),
            "VIRTUAL_ENV": str(self.root),
            "JUPYTER_PATH": str(self.kernels),
            "JUPYTER_CONFIG_DIR": str(self.home / ".jupyter"),
            "JUPYTER_DATA_DIR": str(self.home / ".jupyter-data"),
            "JUPYTER_RUNTIME_DIR": str(self.home / ".jupyter-runtime"),
        }

    def pip(self, *args: str) -> None:
        """Run pip in the environment; fail with its output."""
        result = subprocess.run(
            [str(self.python), "-m", "pip", *args],
            env=self.env(), capture_output=True, text=True, check=False, timeout=1800,
        )  # fmt: skip
        assert result.returncode == 0, f"pip {shlex.join(args)}\n{result.stderr}"

    def installed(self) -> dict[str, str]:
        """Distribution name to version, as pip sees them."""
        result = subprocess.run(
            [str(self.python), "-m", "pip", "list", "--format=freeze"],
            env=self.env(), capture_output=True, text=True, check=True,
        )  # fmt: skip
        pairs = (line.split("==", 1) for line in result.stdout.splitlines())
        return {name.lower(): version for name, version in pairs}


def make_environment(root: Path, *, command: str | None) -> Environment:
    """A fresh venv with ``ipykernel`` and, given one, a site command run in it."""
    environment = Environment(root, root.parent / f"{root.name}-home")
    if not environment.python.is_file():
        subprocess.run(
            [getattr(sys, "_base_executable", sys.executable), "-m", "venv", str(root)],
            check=True,
        )
        environment.home.mkdir(exist_ok=True)
        if command is not None:
            words = shlex.split(command)
            assert words[:2] == ["pip", "install"], command
            environment.pip("install", *words[2:])
        environment.pip("install", *JUPYTER)
        spec = environment.kernels / "kernels" / "python3"
        spec.mkdir(parents=True)
        kernel = {
            "argv": [str(environment.python), "-m", "ipykernel_launcher",
                     "-f", "{connection_file}"],
            "display_name": "Python 3",
            "language": "python",
        }  # fmt: skip
        (spec / "kernel.json").write_text(json.dumps(kernel), encoding="utf-8")
    return environment


@functools.cache
def offline_prefix() -> tuple[str, ...]:
    """A command prefix that cuts the network off but loopback, if this machine can.

    ``unshare -rn`` gives the process a network namespace of its own, where only
    a loopback interface exists (brought up, for Jupyter's own sockets).
    """
    prefix = ("unshare", "-rn", "sh", "-c", 'ip link set lo up && exec "$@"', "sh")
    if shutil.which("unshare") and shutil.which("ip"):
        probe = subprocess.run([*prefix, "true"], capture_output=True, check=False)
        if probe.returncode == 0:
            return prefix
    return ()


def run(
    args: list[str],
    environment: Environment,
    *,
    cwd: Path,
    offline: bool = True,
    timeout: float = 1800,
) -> subprocess.CompletedProcess[str]:
    """Run a reader's command in `environment`; `offline`: cut off if possible."""
    return subprocess.run(
        [*(offline_prefix() if offline else ()), *args],
        cwd=cwd, env=environment.env(), capture_output=True, text=True,
        timeout=timeout, check=False,
    )  # fmt: skip
