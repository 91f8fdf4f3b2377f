"""The GitHub workflows and CI scripts: pinned, least privilege, zizmor clean.

zizmor (static analysis of GitHub Actions) runs offline on every workflow and
on the Dependabot configuration; the rest are the project's own rules, which
zizmor's default persona does not all enforce: every action pinned to a full
commit hash with its release beside it, no job that keeps the checkout's
credentials, permissions granted per job, and the same pinned tool versions
wherever nox is installed.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

ROOT = Path(__file__).parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
PINNED_USES = re.compile(
    r"^\s*(?:-\s+)?uses:\s+[\w.-]+/[\w./-]+@[0-9a-f]{40}\s+#\s+v\d+\.\d+\.\d+\s*$"
)
NOX_INSTALL = re.compile(r"pip install (?:--quiet )?\"nox\[uv\]==([^\"]+)\"")
UV_INSTALL = re.compile(r"\"uv==([^\"]+)\"")


def _zizmor(*paths: Path, persona: str = "regular") -> subprocess.CompletedProcess[str]:
    zizmor = Path(sys.executable).with_name("zizmor")
    return subprocess.run(
        [str(zizmor), "--offline", "--no-progress", f"--persona={persona}", *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip


def _load(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def _jobs() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path.name, name, job)
        for path in WORKFLOWS
        for name, job in _load(path)["jobs"].items()
    ]


def test_there_are_workflows_for_lint_tests_docs_and_upstream() -> None:
    runs = "\n".join(path.read_text(encoding="utf-8") for path in WORKFLOWS)
    for session in ("lint", "tests", "docs", "browser", "upstream"):
        assert f"python3 -m nox -s {session}" in runs, session
    assert {path.name for path in WORKFLOWS} >= {"ci.yml", "docs.yml", "upstream.yml"}


@pytest.mark.parametrize("persona", ["regular", "pedantic"])
def test_zizmor_finds_nothing(persona: str) -> None:
    result = _zizmor(*WORKFLOWS, ROOT / ".github" / "dependabot.yml", persona=persona)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout


def test_zizmor_would_catch_an_unpinned_action(tmp_path: Path) -> None:
    workflow = (ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
    pinned = re.search(r"actions/checkout@[0-9a-f]{40}  # v[\d.]+", workflow)
    assert pinned is not None
    broken = tmp_path / "ci.yml"
    broken.write_text(workflow.replace(pinned[0], "actions/checkout@v7"))
    result = _zizmor(broken)
    assert result.returncode != 0
    assert "unpinned-uses" in result.stdout


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_with_its_release(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    uses = [line for line in lines if re.match(r"^\s*(-\s+)?uses:", line)]
    assert uses
    assert [line for line in uses if not PINNED_USES.match(line)] == []


def test_one_release_per_action() -> None:
    pins: dict[str, set[str]] = {}
    for path in WORKFLOWS:
        text = path.read_text(encoding="utf-8")
        for action, sha, release in re.findall(r"uses: (\S+)@(\w{40})  # (\S+)", text):
            pins.setdefault(action, set()).add(f"{sha} {release}")
    assert pins
    assert {action: pin for action, pin in pins.items() if len(pin) > 1} == {}


@pytest.mark.parametrize(
    ("workflow", "job", "body"), _jobs(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_each_job_holds_its_own_permissions(
    workflow: str, job: str, body: dict[str, Any]
) -> None:
    assert "permissions" in body, f"{workflow}: {job}"
    for step in body["steps"]:
        if str(step.get("uses", "")).startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False, f"{workflow}: {job}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_grants_nothing_by_default(path: Path) -> None:
    assert _load(path)["permissions"] == {}


def test_nox_is_pinned_alike_in_ci_and_workflows() -> None:
    texts = {path.name: path.read_text(encoding="utf-8") for path in (ROOT / ".ci" / "run", *WORKFLOWS)}  # fmt: skip
    nox = {name: set(NOX_INSTALL.findall(text)) for name, text in texts.items()}
    uv = {name: set(UV_INSTALL.findall(text)) for name, text in texts.items()}
    assert all(nox.values()), nox
    assert len(set().union(*nox.values())) == 1, nox
    assert len(set().union(*uv.values())) == 1, uv


def test_ci_installs_only_what_is_missing() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "[ -x /usr/bin/chromium ] || missing+=(chromium)" in ci
    assert "command -v npm >/dev/null || missing+=(npm)" in ci
    assert 'apt-get install -y "${missing[@]}"' in ci
    assert "chromium npm" not in ci


def test_dependabot_updates_actions_and_the_uv_lock() -> None:
    config = _load(ROOT / ".github" / "dependabot.yml")
    ecosystems = {update["package-ecosystem"] for update in config["updates"]}
    assert ecosystems == {"github-actions", "uv"}


def test_the_docs_build_restores_executed_outputs_keyed_on_lock_and_sources() -> None:
    jobs = _load(ROOT / ".github" / "workflows" / "docs.yml")["jobs"]
    steps = jobs["build"]["steps"]
    caches = [i for i, s in enumerate(steps) if str(s.get("uses", "")).startswith("actions/cache@")]  # fmt: skip
    builds = [
        i for i, s in enumerate(steps) if s.get("run") == "python3 -m nox -s docs"
    ]
    [cache_step] = caches
    [build_step] = builds
    assert cache_step < build_step  # restored before the build, saved after it
    # Every job that executes restores the same entry, keyed once (the plan job).
    for name in ("plan", "execute", "build"):
        [cache] = [
            s["with"]
            for s in jobs[name]["steps"]
            if "actions/cache" in s.get("uses", "")
        ]
        # jupyter-cache beside the HTML (execute/fingerprint.py), the environment
        # and run record (noxfile.py's SITE), the notebooks and figures myst-nb
        # wrote (the environment refers to them), the gallery's pages with their .md5.
        assert set(cache["path"].split()) == {
            "_build/.jupyter_cache", "_build/doctrees", "_build/jupyter_execute",
            "docs/auto_examples",
        }  # fmt: skip
        outputs = "steps.key.outputs" if name == "plan" else "needs.plan.outputs"
        assert cache["key"] == f"${{{{ {outputs}.key }}}}", name
        assert cache["restore-keys"] == f"${{{{ {outputs}.environment }}}}", name
    [key] = [s for s in jobs["plan"]["steps"] if s.get("id") == "key"]
    # The newest entry of the same environment serves a pull request that changed
    # a source; a new lock file or Python starts from nothing.
    environment = (
        "docs-${{ runner.os }}-${{ hashFiles('uv.lock', '.python-version') }}-"
    )
    assert key["env"]["ENVIRONMENT"] == environment
    sources = re.fullmatch(r"\$\{\{ hashFiles\((.*)\) \}\}", key["env"]["SOURCES"])
    assert sources is not None, key["env"]["SOURCES"]
    hashed = {pattern.strip(" '") for pattern in sources[1].split(",")}
    assert hashed == {"conf.py", "docs/**", "examples/**", "helpers/src/**", "src/**"}
    # The checkout's new file times must not have Sphinx read every page again.
    workflow = _load(ROOT / ".github" / "workflows" / "docs.yml")
    assert workflow["env"]["TFDOCS_KEEP_SOURCE_TIMES"] == "1"


def test_the_docs_build_runs_on_shards_past_a_threshold() -> None:
    jobs = _load(ROOT / ".github" / "workflows" / "docs.yml")["jobs"]
    plan = "\n".join(str(s.get("run", "")) for s in jobs["plan"]["steps"])
    assert "nox -s shards -- plan --seconds" in plan
    execute = jobs["execute"]
    assert execute["strategy"]["matrix"]["shard"] == (
        "${{ fromJSON(needs.plan.outputs.matrix) }}"
    )
    [shard_build] = [
        s for s in execute["steps"] if s.get("run") == "python3 -m nox -s docs"
    ]
    assert shard_build["env"]["TFDOCS_SHARD"] == "${{ matrix.shard }}"
    [upload] = [s for s in execute["steps"] if "upload-artifact" in s.get("uses", "")]
    assert upload["with"]["include-hidden-files"] is True  # .jupyter_cache
    build = "\n".join(str(s.get("run", "")) for s in jobs["build"]["steps"])
    assert "nox -s shards -- merge . _build/shards/shard-*" in build
    assert jobs["build"]["needs"] == ["plan", "execute"]


def test_the_tests_run_in_groups_and_coverage_counts_them_together() -> None:
    jobs = _load(ROOT / ".github" / "workflows" / "ci.yml")["jobs"]
    tests = jobs["tests"]
    groups = tests["strategy"]["matrix"]["group"]
    assert groups == list(range(1, len(groups) + 1))
    assert len(groups) > 1
    assert tests["strategy"]["fail-fast"] is False  # every failing group reports
    [run] = [s for s in tests["steps"] if "nox -s tests" in str(s.get("run", ""))]
    assert run["env"] == {
        "GROUP": "${{ matrix.group }}",
        "GROUPS_TOTAL": "${{ strategy.job-total }}",  # the matrix is the one count
    }
    assert '--test-group "${GROUP}/${GROUPS_TOTAL}"' in run["run"]
    # A group's coverage is a part: the bar applies to all groups together.
    assert run["run"].endswith("--cov-fail-under=0")
    [upload] = [s for s in tests["steps"] if "upload-artifact" in s.get("uses", "")]
    assert upload["with"]["path"] == ".coverage"
    assert upload["with"]["include-hidden-files"] is True
    coverage = jobs["coverage"]
    assert coverage["needs"] == "tests"
    [download] = [
        s for s in coverage["steps"] if "download-artifact" in s.get("uses", "")
    ]
    assert download["with"]["pattern"] == "coverage-*"
    combine = "\n".join(str(s.get("run", "")) for s in coverage["steps"])
    assert "nox -s coverage -- _build/coverage/coverage-*/.coverage" in combine
    # One owner of the bar, which pytest-cov and coverage report both read.
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["tool"]["coverage"]["report"]["fail_under"] == 90
    noxfile = (ROOT / "noxfile.py").read_text(encoding="utf-8")
    assert "fail-under" not in noxfile
