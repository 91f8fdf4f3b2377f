"""Executing the pages and examples: fast, quiet, cached, and only when needed.

:mod:`.environment` sets the environment every run gets, :mod:`.fingerprint`
keys the caches on everything that changes outputs, :mod:`.only` narrows what
runs (``TFDOCS_ONLY``) and :mod:`.shards` shares it among machines
(``TFDOCS_SHARD``), :mod:`.pool` runs the pages and (:mod:`.examples`) the
gallery's examples on every core, longest first (:mod:`.order`), in kernels and
children forked by :mod:`.zygote` that talk over Unix sockets
(:mod:`.channels`), :mod:`.gallery` keeps the examples' runs,
and :mod:`.sourcetimes` lets a fresh clone read again only the sources that
changed.
Importing this package imports nothing: the kernelspec runs
``python -m tfdocs_sphinx.execute.zygote``.
"""
