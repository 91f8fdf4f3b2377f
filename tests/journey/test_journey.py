"""A reader's journey: the site's install command, then its scripts and notebooks.

Each gallery script is downloaded from the built site and run with ``python`` in
a fresh environment made with only the command its page shows; each notebook
the site offers (pages' executed notebooks, the gallery's) runs top to bottom
in a plain ``python3`` kernel of such an environment, its install cell included,
which must then install nothing. One notebook also runs where only Jupyter is
installed, as on Colab: its install cell must install what it needs from the
site. Scripts and notebooks run cut off from the network where the machine
allows it (see ``offline_prefix``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from reader import Environment, Unit, fetch, make_environment, run, site_units


def _download(unit: Unit, served: str, local, folder: Path) -> Path:
    path = folder / Path(unit.download).name
    path.write_text(local(fetch(served + unit.download).decode("utf-8")), "utf-8")
    return path


def _execute(notebook: Path, environment: Environment, *, offline: bool = True) -> str:
    """Run a notebook with nbclient (``jupyter execute``); return the failure, if any."""
    jupyter_execute = Path(sys.executable).parent / "jupyter-execute"
    result = run(
        [str(jupyter_execute), "--timeout=600", "--startup_timeout=120", str(notebook)],
        environment,
        cwd=notebook.parent,
        offline=offline,
    )
    return "" if result.returncode == 0 else result.stderr[-6000:]


def test_the_site_offers_scripts_and_notebooks(site: Path) -> None:
    kinds = [unit.kind for unit in site_units(site)]
    assert kinds.count("script") >= 1
    assert kinds.count("notebook") > kinds.count("script")


def test_script_runs_after_its_install_command(
    script: Unit, served: str, local, environments, tmp_path: Path
) -> None:
    environment = environments(script.command)
    path = _download(script, served, local, tmp_path)
    result = run([str(environment.python), path.name], environment, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-6000:]
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name], (
        "the script left files behind"
    )


def test_notebook_runs_in_a_python3_kernel(
    notebook: Unit, served: str, local, environments, tmp_path: Path
) -> None:
    environment = environments(notebook.command)
    path = _download(notebook, served, local, tmp_path)
    document = nbformat.read(path, as_version=4)
    assert document.metadata.kernelspec.name == "python3"
    assert document.cells[0].metadata.get("tags") == ["tfdocs-install"]
    before = environment.installed()
    failure = _execute(path, environment)
    assert not failure, failure
    assert environment.installed() == before, "the install cell installed something"


def test_on_a_bare_kernel_the_install_cell_installs_what_the_page_needs(
    site: Path, served: str, local, tmp_path: Path
) -> None:
    """As on Colab: only Jupyter is there, the notebook's first cell does the rest."""
    unit = next(
        u for u in site_units(site) if u.kind == "notebook" and ".whl" in u.command
    )
    environment = make_environment(tmp_path / "bare", command=None)
    assert "tensorflow" not in environment.installed()
    path = _download(unit, served, local, tmp_path)
    # The install cell reaches the served site: it runs with the network.
    failure = _execute(path, environment, offline=False)
    assert not failure, failure
    installed = environment.installed()
    pins = dict(w.split("==") for w in unit.command.split() if "==" in w)
    assert set(pins) >= {"tensorflow", "keras"}, unit.command
    for name, version in pins.items():
        assert installed.get(name) == version, (name, installed.get(name))
    assert "tfdocs-helpers" in installed or "tfdocs_helpers" in installed
