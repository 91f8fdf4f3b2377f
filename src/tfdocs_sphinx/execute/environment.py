"""Run every page and gallery example in a quiet, deterministic environment.

TensorFlow writes its C++ start-up logging straight to file descriptor 2, below
Python. A Jupyter kernel forwards that descriptor into the cell's output, so the
log lines would land on the rendered page. This part therefore

* sets the variables of :data:`.locations.BUILD_ENVIRONMENT` that quieten
  TensorFlow and pin hashing, once, for the Sphinx process and for the zygote,
  kernels and example processes it starts (they inherit the environment; without
  a zygote sphinx-gallery runs examples in-process); a variable already set
  keeps its value (and the fingerprint covers it);
* puts the ``tfdocs`` kernelspec (``execute/kernels/tfdocs``) on
  ``JUPYTER_PATH``; that kernel does not forward descriptor-level output, so
  what TensorFlow's C++ core prints goes to the build log instead of the page.
  ``conf.py`` maps the pages' Python kernels (``python3`` and the like) to it with
  ``nb_kernel_rgx_aliases``.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping

from tfdocs_sphinx.locations import BUILD_ENVIRONMENT, KERNELS

__all__ = ["apply"]


def apply(environ: MutableMapping[str, str] = os.environ) -> None:
    """Set the build environment in ``environ`` and expose the ``tfdocs`` kernelspec."""
    for name, value in BUILD_ENVIRONMENT.items():
        environ.setdefault(name, value)
    jupyter_path = environ.get("JUPYTER_PATH", "")
    if str(KERNELS) not in jupyter_path.split(os.pathsep):
        environ["JUPYTER_PATH"] = os.pathsep.join(
            p for p in (str(KERNELS), jupyter_path) if p
        )
