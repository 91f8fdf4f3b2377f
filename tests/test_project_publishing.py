"""The publishing files are valid and build the site the way the README says.

.readthedocs.yaml and the GitHub Pages workflow are checked offline against the
schemas that check-jsonschema ships (``vendor.readthedocs``,
``vendor.github-workflows``), so a mistake fails here, not on the service.
"""

from __future__ import annotations

import runpy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

ROOT = Path(__file__).parents[1]
READTHEDOCS = ROOT / ".readthedocs.yaml"
WORKFLOW = ROOT / ".github" / "workflows" / "docs.yml"
SCHEMAS = {READTHEDOCS: "vendor.readthedocs", WORKFLOW: "vendor.github-workflows"}
# One realistic mistake per file: a misspelt key.
TYPOS = {READTHEDOCS: ("  commands:", "  comands:"), WORKFLOW: ("runs-on:", "run-on:")}


def _validate(path: Path, schema: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema]
    return subprocess.run(
        [*command, str(path)], capture_output=True, text=True, check=False
    )


def _load(path: Path) -> Any:
    # YAML 1.2, as GitHub reads it: the workflow's `on:` key stays a string.
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", list(SCHEMAS), ids=lambda p: p.name)
def test_valid_against_its_schema(path: Path) -> None:
    result = _validate(path, SCHEMAS[path])
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", list(SCHEMAS), ids=lambda p: p.name)
def test_a_broken_copy_fails(path: Path, tmp_path: Path) -> None:
    good, bad = TYPOS[path]
    text = path.read_text(encoding="utf-8")
    assert good in text
    broken = tmp_path / path.name
    broken.write_text(text.replace(good, bad), encoding="utf-8")
    result = _validate(broken, SCHEMAS[path])
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Schema validation errors" in result.stdout


def test_read_the_docs_builds_with_nox_into_its_output() -> None:
    build = _load(READTHEDOCS)["build"]
    assert build["tools"]["python"] == "3.11"
    commands = build["commands"]
    assert "python3 -m nox -s docs" in commands
    assert commands[-1] == 'cp -r _build/html "$READTHEDOCS_OUTPUT/html"'


def test_workflow_builds_strictly_and_deploys_the_html_to_pages() -> None:
    workflow = _load(WORKFLOW)
    assert workflow["on"]["push"]["branches"] == ["main"]
    build = workflow["jobs"]["build"]["steps"]
    docs = next(step for step in build if step.get("run") == "python3 -m nox -s docs")
    assert docs["env"]["TFDOCS_BASE_URL"] == "${{ steps.pages.outputs.base_url }}"
    uses = {step["uses"].split("@")[0]: step for step in build if "uses" in step}
    assert uses["actions/upload-pages-artifact"]["with"]["path"] == "_build/html"
    assert "actions/configure-pages" in uses
    deploy = workflow["jobs"]["deploy"]
    assert "build" in deploy["needs"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")


def _conf(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, Any]:
    for name in ("TFDOCS_BASE_URL", "READTHEDOCS_CANONICAL_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "conf.py"))


@pytest.mark.parametrize(
    ("env", "base_url", "prefix"),
    [
        ({}, "http://localhost:8000/", "/"),
        ({"TFDOCS_BASE_URL": "https://a.github.io/tfdocs"}, "https://a.github.io/tfdocs/", "/tfdocs/"),
        ({"TFDOCS_BASE_URL": ""}, "http://localhost:8000/", "/"),
        ({"READTHEDOCS_CANONICAL_URL": "https://t.org/en/latest/"}, "https://t.org/en/latest/", "/en/latest/"),
        ({"READTHEDOCS_CANONICAL_URL": "https://t.org/en/latest/", "TFDOCS_BASE_URL": "https://x.org/"}, "https://x.org/", "/"),
    ],
)  # fmt: skip
def test_base_url_and_404_prefix(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], base_url: str, prefix: str
) -> None:
    conf = _conf(monkeypatch, **env)
    assert conf["html_baseurl"] == base_url
    assert conf["ogp_site_url"] == base_url
    assert conf["notfound_urls_prefix"] == prefix


def test_readme_documents_the_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Publishing", 1)[1].split("\n## ", 1)[0]
    default = _conf(monkeypatch)["html_baseurl"]
    for text in ("TFDOCS_BASE_URL", "READTHEDOCS_CANONICAL_URL", f"`{default}`"):
        assert text in section
