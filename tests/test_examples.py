"""Every gallery script also runs on its own, as a reader would run it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tfdocs_sphinx.locations import BUILD_ENVIRONMENT

ROOT = Path(__file__).parents[1]
SCRIPTS = sorted((ROOT / "examples").glob("*/plot_*.py"))
PYTHON_WARNING = re.compile(r"^\S.*:\d+: \w*Warning: ", re.MULTILINE)

pytestmark = pytest.mark.slow


def test_the_gallery_has_scripts() -> None:
    assert len(SCRIPTS) >= 1


@pytest.mark.parametrize(
    "script",
    SCRIPTS,
    ids=[p.relative_to(ROOT / "examples").as_posix() for p in SCRIPTS],
)
def test_script_runs_standalone(script: Path, tmp_path: Path) -> None:
    env = {**os.environ, **BUILD_ENVIRONMENT, "MPLBACKEND": "agg"}
    result = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,  # a script may write files; never into the repository
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert not PYTHON_WARNING.search(result.stderr), result.stderr
    assert list(tmp_path.iterdir()) == [], "the script left files behind"
