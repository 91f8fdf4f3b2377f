"""tests/suitegroups.py: CI's test groups are whole files, and their times are kept."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest
from ruamel.yaml import YAML

from suitegroups import TimesRecorder

ROOT = Path(__file__).parents[1]


def test_the_recorder_adds_up_each_files_phases_and_drops_files_that_are_gone(
    tmp_path: Path,
) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_a.py").touch()
    (tmp_path / "tests" / "test_b.py").touch()
    path = tmp_path / "tests" / "durations.json"
    path.write_text(
        json.dumps({"tests/test_b.py": 7.0, "tests/test_gone.py": 3.0}),
        encoding="utf-8",
    )
    recorder = TimesRecorder(path)
    for nodeid, duration in [
        ("tests/test_a.py::test_one", 2.0),  # setup: a module's fixture site
        ("tests/test_a.py::test_one", 0.25),
        ("tests/test_a.py::test_two[x]", 0.5),
    ]:
        report = SimpleNamespace(nodeid=nodeid, duration=duration)
        recorder.pytest_runtest_logreport(cast("Any", report))
    recorder.pytest_sessionfinish()
    assert json.loads(path.read_text(encoding="utf-8")) == {
        "tests/test_a.py": 2.8,  # 2.75, rounded to tenths
        "tests/test_b.py": 7.0,  # did not run: kept
    }


def _collect(*options: str) -> subprocess.CompletedProcess[str]:
    """Collect the suite (or what ``options`` name) in a pytest of its own."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
         *options],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip


def _collected(*options: str) -> list[str]:
    done = _collect(*options)
    assert done.returncode == 0, done.stdout + done.stderr
    return [line for line in done.stdout.splitlines() if "::" in line]


def test_a_group_out_of_range_is_a_usage_error_naming_the_option() -> None:
    done = _collect("--test-group=4/3", "tests/test_suitegroups.py")
    assert done.returncode == 4, done.stdout + done.stderr
    assert "--test-group must be 'I/N' with 1 <= I <= N; got '4/3'" in done.stderr


@pytest.mark.slow
def test_the_groups_run_every_test_once_and_keep_each_file_whole() -> None:
    workflow = YAML(typ="safe").load(ROOT / ".github" / "workflows" / "ci.yml")
    groups = len(workflow["jobs"]["tests"]["strategy"]["matrix"]["group"])
    everything = _collected()
    parts = [
        _collected(f"--test-group={group}/{groups}") for group in range(1, groups + 1)
    ]
    assert sorted(test for part in parts for test in part) == sorted(everything)
    assert all(parts)
    # A test file's module-scoped fixture site is built on one machine only.
    files = [{test.split("::")[0] for test in part} for part in parts]
    assert sum(map(len, files)) == len(set().union(*files))
