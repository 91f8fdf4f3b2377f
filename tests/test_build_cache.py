"""Outputs are reused exactly as long as nothing they depend on has changed.

What each build executed is read from the run record it writes
(``<doctrees>/tfdocs-runs.json``). Every input of the fingerprint is changed on
its own, from the same warm state, and must execute the page and the example
again: the helpers' source, the build environment, the kernelspec and a
library's version.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import tfdocs_helpers
import tfdocs_sphinx
from sitebuild import SITES, SiteBuild, build_site

pytestmark = pytest.mark.slow

PAGES = sorted((SITES / "clean").glob("*/*.*"))
MYST_NB_EXECUTED = "Executing notebook using"  # myst-nb's own message
CHANGES = ["helpers", "environment", "kernelspec", "version"]


def _shadow_package(root: Path, package: Path) -> Path:
    """Copy ``package`` into ``root`` (to be put first on PYTHONPATH)."""
    copy = root / package.name
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def _change(name: str, root: Path, shadow: Path) -> dict[str, str]:
    """Make one change outside the site's pages; return the build's environment."""
    if name == "helpers":
        history = _shadow_package(shadow, Path(tfdocs_helpers.__file__).parent)
        module = history / "history.py"
        module.write_text(
            module.read_text(encoding="utf-8") + "\n\ndef _edited() -> None: ...\n",
            encoding="utf-8",
        )
        return {"PYTHONPATH": str(shadow)}
    if name == "environment":
        return {"PYTHONHASHSEED": "1"}
    if name == "kernelspec":
        package = _shadow_package(shadow, Path(tfdocs_sphinx.__file__).parent)
        spec = package / "execute" / "kernels" / "tfdocs" / "kernel.json"
        data = json.loads(spec.read_text(encoding="utf-8"))
        data["argv"].append("--IPKernelApp.log_level=ERROR")
        spec.write_text(json.dumps(data), encoding="utf-8")
        return {"PYTHONPATH": str(shadow)}
    # A newer NumPy, as its metadata says (the module itself is the same).
    info = shadow / "numpy-99.0.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: numpy\nVersion: 99.0.0\n", encoding="utf-8"
    )
    return {"PYTHONPATH": str(shadow)}


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, SiteBuild]:
    """Build once, again unchanged, then after each change from the warm state."""
    root = tmp_path_factory.mktemp("cache") / "site"
    results = {"first": build_site(root, *PAGES), "unchanged": build_site(root)}
    for name in CHANGES:
        copy = tmp_path_factory.mktemp(name) / "site"
        shutil.copytree(root, copy)
        shadow = tmp_path_factory.mktemp(f"{name}-shadow")
        results[name] = build_site(copy, env=_change(name, copy, shadow))
    return results


def test_all_builds_succeed(builds: dict[str, SiteBuild]) -> None:
    for build in builds.values():
        assert build.returncode == 0, build.output


def test_first_build_executes_everything(builds: dict[str, SiteBuild]) -> None:
    record = builds["first"].runs
    assert set(record.executed("page")) == {"noisy"}
    assert set(record.executed("example")) == {"auto_examples/plot_noisy"}


def test_myst_nb_reuses_the_pages_executed_in_parallel(
    builds: dict[str, SiteBuild],
) -> None:
    for name, build in builds.items():
        # Why the pool's run failed, if it did, before the build's whole output.
        why = [line for line in build.output.splitlines() if "tfdocs:" in line]
        assert MYST_NB_EXECUTED not in build.output, (name, why)


def test_unchanged_tree_executes_nothing_and_keeps_its_record(
    builds: dict[str, SiteBuild],
) -> None:
    first, unchanged = builds["first"].runs, builds["unchanged"].runs
    assert unchanged.executed() == {}
    assert unchanged.runs == first.runs  # the runs of the first build, kept


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_outside_the_pages_executes_them_again(
    builds: dict[str, SiteBuild], change: str
) -> None:
    record = builds[change].runs
    assert set(record.executed("page")) == {"noisy"}, builds[change].output
    assert set(record.executed("example")) == {"auto_examples/plot_noisy"}
