"""The project's conventions: licences, citation, contributing guide, pre-commit."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from ruamel.yaml import YAML

ROOT = Path(__file__).parents[1]


def _yaml(path: Path) -> dict[str, object]:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def test_code_and_content_licences() -> None:
    assert "Apache License" in (ROOT / "LICENSE").read_text(encoding="utf-8")
    content = (ROOT / "LICENSE-CONTENT").read_text(encoding="utf-8")
    assert content.startswith("Attribution 4.0 International\n")
    assert "Creative Commons Attribution 4.0 International Public License" in content
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["license"] == "Apache-2.0"


def test_citation_names_the_helpers_version_and_both_licences() -> None:
    citation = _yaml(ROOT / "CITATION.cff")
    helpers = tomllib.loads((ROOT / "helpers" / "pyproject.toml").read_text())
    assert citation["cff-version"] == "1.2.0"
    assert citation["version"] == helpers["project"]["version"]
    assert citation["license"] == ["Apache-2.0", "CC-BY-4.0"]
    assert citation["title"]
    assert citation["authors"]


def test_changelog_has_an_unreleased_section() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "\n## Unreleased\n" in changelog


def test_contributing_names_only_sessions_that_exist() -> None:
    contributing = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    noxfile = (ROOT / "noxfile.py").read_text(encoding="utf-8")
    sessions = set(re.findall(r"^def (\w+)\(session", noxfile, re.MULTILINE))
    named = set(re.findall(r"nox -s (\w+)", contributing))
    assert named
    assert named - sessions == set()


@pytest.mark.parametrize("name", ["CODE_OF_CONDUCT.md", "CONTRIBUTING.md"])
def test_readme_points_at(name: str) -> None:
    assert f"]({name})" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_precommit_hooks_are_local_and_pinned() -> None:
    """Hook environments come from PyPI at a pinned version, never from GitHub."""
    config = _yaml(ROOT / ".pre-commit-config.yaml")
    hooks = [hook for repo in config["repos"] for hook in repo["hooks"]]
    assert {repo["repo"] for repo in config["repos"]} == {"local"}
    ids = {hook["id"] for hook in hooks}
    assert {"ruff-check", "ruff-format", "check-yaml", "zizmor"} <= ids
    for hook in hooks:
        assert hook["language"] in {"python", "pygrep"}, hook["id"]
        pins = hook.get("additional_dependencies", [])
        assert hook["language"] == "pygrep" or pins, hook["id"]
        assert all(re.fullmatch(r"[\w-]+==[\w.]+", pin) for pin in pins), hook["id"]


def test_readme_justifies_each_skipped_repo_review_check() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    skipped = pyproject["tool"]["repo-review"]["ignore"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Checks of the Scientific Python guide", 1)[1]
    assert skipped
    for check, reason in skipped.items():
        assert reason
        assert check in section
