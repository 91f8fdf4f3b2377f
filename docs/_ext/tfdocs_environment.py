"""Run every page and gallery example in a quiet, deterministic environment.

TensorFlow writes its C++ start-up logging straight to file descriptor 2, below
Python. A Jupyter kernel forwards that descriptor into the cell's output, so the
log lines would land on the rendered page. This extension therefore

* sets the environment variables that quieten TensorFlow and pin hashing, once,
  for the Sphinx process (sphinx-gallery runs examples in-process) and for the
  kernels it starts (they inherit the environment);
* puts the ``tfdocs`` kernelspec of ``docs/_ext/kernels`` on ``JUPYTER_PATH``;
  that kernel does not forward descriptor-level output, so what TensorFlow's C++
  core prints goes to the build log instead of the page. ``conf.py`` maps the
  pages' ``python3`` kernel to it with ``nb_kernel_rgx_aliases``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

#: Environment shared by the build process and the notebook kernels.
BUILD_ENVIRONMENT = {
    # Drop TensorFlow's C++ INFO/WARNING/ERROR lines.
    "TF_CPP_MIN_LOG_LEVEL": "3",
    # oneDNN reorders float sums, so results differ from machine to machine.
    "TF_ENABLE_ONEDNN_OPTS": "0",
    # Stable hashing for anything that iterates over sets or dicts of strings.
    "PYTHONHASHSEED": "0",
}

KERNELS_DIR = Path(__file__).parent


def setup(app: Sphinx) -> dict[str, Any]:
    """Set the build environment and expose the ``tfdocs`` kernelspec."""
    for name, value in BUILD_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    jupyter_path = os.environ.get("JUPYTER_PATH", "")
    if str(KERNELS_DIR) not in jupyter_path.split(os.pathsep):
        os.environ["JUPYTER_PATH"] = os.pathsep.join(
            p for p in (str(KERNELS_DIR), jupyter_path) if p
        )
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
