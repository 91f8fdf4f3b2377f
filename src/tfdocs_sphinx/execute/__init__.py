"""Executing the pages and examples: fast, quiet, cached, and only when needed.

:mod:`.environment` sets the environment every run gets, :mod:`.fingerprint`
keys the caches on everything that changes outputs, :mod:`.only` narrows what
runs (``TFDOCS_ONLY``), :mod:`.pool` runs the pages on every core in kernels
forked by :mod:`.zygote`, and :mod:`.gallery` measures the gallery's examples.
Importing this package imports nothing: the kernelspec runs
``python -m tfdocs_sphinx.execute.zygote``.
"""
