"""The helpers' release: the workflow, and the check of the files it publishes."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
import release
from ruamel.yaml import YAML

ROOT = Path(__file__).parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"
VERSION = "0.1.0"


def _workflow() -> Any:
    # YAML 1.2, as GitHub reads it: the `on:` key stays a string.
    return YAML(typ="safe").load(WORKFLOW.read_text(encoding="utf-8"))


def test_the_workflow_is_valid_against_its_schema() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema",
         "vendor.github-workflows", str(WORKFLOW)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_it_publishes_from_a_helpers_tag_with_trusted_publishing() -> None:
    workflow = _workflow()
    assert workflow["on"] == {"push": {"tags": ["helpers-v*"]}}
    assert workflow["permissions"] == {}
    build, publish = workflow["jobs"]["build"], workflow["jobs"]["publish"]
    assert build["permissions"] == {"contents": "read"}
    assert any(step.get("run") == "python3 -m nox -s dist" for step in build["steps"])
    assert publish["needs"] == "build"
    assert publish["environment"]["name"] == "pypi"
    assert publish["permissions"] == {"id-token": "write"}
    action = publish["steps"][-1]
    assert action["uses"].startswith("pypa/gh-action-pypi-publish@")
    assert "with" not in action  # no password, no token: trusted publishing


def test_every_action_is_pinned_to_a_commit() -> None:
    for job in _workflow()["jobs"].values():
        for step in job["steps"]:
            if "uses" in step:
                ref = step["uses"].split("@")[1]
                assert len(ref) == 40, step["uses"]
                assert all(c in "0123456789abcdef" for c in ref), step["uses"]


def test_checkout_keeps_no_credentials() -> None:
    for job in _workflow()["jobs"].values():
        for step in job["steps"]:
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False


def _release_files(dist: Path, *, wheel_extra: str = "", sdist_extra: str = "") -> None:
    stem = f"tfdocs_helpers-{VERSION}"
    with zipfile.ZipFile(dist / f"{stem}-py3-none-any.whl", "w") as wheel:
        for name in ("tfdocs_helpers/__init__.py", f"{stem}.dist-info/METADATA",
                     wheel_extra):  # fmt: skip
            if name:
                wheel.writestr(name, "")
    source = dist / "source" / stem
    for name in (
        "src/tfdocs_helpers/__init__.py",
        "README.md",
        "PKG-INFO",
        sdist_extra,
    ):
        if name:
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            (source / name).write_text("", encoding="utf-8")
    with tarfile.open(dist / f"{stem}.tar.gz", "w:gz") as sdist:
        sdist.add(source, arcname=stem)


def test_the_helpers_alone_pass(tmp_path: Path) -> None:
    _release_files(tmp_path)
    assert release.check(tmp_path) == []


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        ({"wheel_extra": "tfdocs_sphinx/__init__.py"}, "holds tfdocs_sphinx"),
        ({"sdist_extra": "docs/index.md"}, "holds docs"),
    ],
)
def test_anything_else_is_named(
    tmp_path: Path, extra: dict[str, str], problem: str
) -> None:
    _release_files(tmp_path, **extra)
    (found,) = release.check(tmp_path)
    assert problem in found


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    assert release.check(tmp_path) == [
        f"missing tfdocs_helpers-{VERSION}-py3-none-any.whl (version {VERSION})",
        f"missing tfdocs_helpers-{VERSION}.tar.gz (version {VERSION})",
    ]


def test_the_tag_must_match_the_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _release_files(tmp_path)
    monkeypatch.setenv(release.TAG_VARIABLE, f"helpers-v{VERSION}")
    assert release.check(tmp_path) == []
    monkeypatch.setenv(release.TAG_VARIABLE, "helpers-v9.9.9")
    assert release.check(tmp_path) == [
        f"tag 'helpers-v9.9.9' does not match the version: helpers-v{VERSION}"
    ]
