"""The environment every page and example runs in (tfdocs_sphinx.execute.environment)."""

from __future__ import annotations

import json
import os

from tfdocs_sphinx.execute import environment
from tfdocs_sphinx.locations import BUILD_ENVIRONMENT, KERNELS


def test_the_build_environment_is_set_and_a_set_variable_kept() -> None:
    environ = {"TF_ENABLE_ONEDNN_OPTS": "1", "JUPYTER_PATH": "/elsewhere"}
    environment.apply(environ)
    assert environ["TF_ENABLE_ONEDNN_OPTS"] == "1"
    assert environ["TF_CPP_MIN_LOG_LEVEL"] == BUILD_ENVIRONMENT["TF_CPP_MIN_LOG_LEVEL"]
    assert environ["JUPYTER_PATH"] == os.pathsep.join([str(KERNELS), "/elsewhere"])
    environment.apply(environ)  # twice: the folder is not added again
    assert environ["JUPYTER_PATH"].count(str(KERNELS)) == 1


def test_the_kernelspec_runs_the_packaged_launcher() -> None:
    spec = json.loads(
        (KERNELS / "kernels" / "tfdocs" / "kernel.json").read_text(encoding="utf-8")
    )
    assert spec["argv"][:3] == ["python", "-m", "tfdocs_sphinx.execute.zygote"]
    assert "--IPKernelApp.capture_fd_output=False" in spec["argv"]
