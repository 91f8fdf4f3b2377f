"""Measure every gallery example sphinx-gallery runs, for the run record.

sphinx-gallery runs the examples at ``builder-inited``, each in a child of the
zygote (:mod:`.examples`) or, without one, in the Sphinx process. Its
``reset_modules`` hooks run before and after each one; :func:`measure_example`,
added to them by the package (so ``conf.py`` never names it), times each
example and takes its peak memory where it runs; a child hands its run back
(:func:`take_run`, :func:`put_run`). Once the gallery is
generated, :func:`hand_over` gives each run to the run record under the
example's document, with the error sphinx-gallery caught, if any, and keeps it
beside the example's generated files (:func:`run_path`); an example that is
not run again, its outputs reused, hands over that kept run.
"""

from __future__ import annotations

import contextlib
import re
import sys
import time
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tfdocs_sphinx import runs
from tfdocs_sphinx.locations import gallery_examples

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

__all__ = ["HOOK", "measure_example", "peak_rss_mb", "put_run", "run_path", "take_run"]

#: How sphinx-gallery's ``reset_modules`` names the hook (a string, so that the
#: configuration stays picklable).
HOOK = f"{__name__}.measure_example"

_started: dict[str, float] = {}
#: Runs measured in this process, by the example's file name.
_finished: dict[str, runs.Run] = {}


def peak_rss_mb() -> float:
    """Return the peak resident memory (VmHWM) of this process in MB; 0 off Linux."""
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:
        return 0.0
    match = re.search(r"^VmHWM:\s+(\d+) kB", status, flags=re.MULTILINE)
    return int(match.group(1)) / 1024 if match else 0.0


def _reset_peak_rss() -> None:
    """Restart VmHWM from the current size (Linux >= 4.0), so a peak is per example."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5", encoding="ascii")


def measure_example(
    gallery_conf: Mapping[str, Any], fname: str | None, when: str
) -> None:
    """sphinx-gallery ``reset_modules`` hook: time each example and take its peak.

    sphinx-gallery passes the example's file name, unique in a gallery (it
    warns about duplicates), and calls the hook ``"before"`` and ``"after"``
    (``reset_modules_order = "both"``).
    """
    if fname is None:
        return
    name = Path(fname).name
    if when == "before":
        _reset_peak_rss()
        _started[name] = time.perf_counter()
        return
    start = _started.pop(name, None)
    if start is None:
        return
    versions = {"python": sys.version.split()[0]}
    for module_name in ("tensorflow", "keras"):
        module = sys.modules.get(module_name)
        if module is not None:
            versions[module_name] = module.__version__
    _finished[name] = runs.Run(
        "example",
        seconds=time.perf_counter() - start,
        peak_mb=peak_rss_mb(),
        versions=versions,
        build=runs.current_build(),
    )


def take_run(name: str) -> runs.Run | None:
    """Return (and forget) the run measured in this process of the example ``name``."""
    return _finished.pop(name, None)


def put_run(name: str, run: runs.Run) -> None:
    """Keep the run of the example ``name`` measured in another process, for this build."""
    _finished[name] = replace(run, build=runs.current_build())


def hand_over(app: Sphinx) -> None:
    """Give the examples run in this build to the run record, by document."""
    failing: Mapping[str, str] = app.config.sphinx_gallery_conf.get(
        "failing_examples", {}
    )
    errors = {Path(src).name: str(error) for src, error in failing.items()}
    for docname, script in gallery_examples(app).items():
        saved = run_path(script)
        run = _finished.pop(script.name, None)
        if run is None:  # not run: its outputs, if current, are an earlier run's
            if _outputs_current(script) and saved.is_file():
                # Unreadable (written by another version): the run is unknown.
                with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
                    runs.deliver(docname, runs.load_run(saved))
            continue
        if script.name in errors:
            run = replace(run, error=errors[script.name])
        runs.save_run(saved, run)
        runs.deliver(docname, run)


def run_path(script: Path) -> Path:
    """Where the run of a gallery example is kept, beside its generated files.

    An example's run travels with its outputs, as a page's does in the
    jupyter-cache: to a build with new doctrees, or to another machine
    (:mod:`.shards`).

    >>> run_path(Path("auto_examples/plot_a.py")).as_posix()
    'auto_examples/plot_a.run.json'
    """
    return script.with_suffix(".run.json")


def _outputs_current(script: Path) -> bool:
    """Whether sphinx-gallery reuses this example's outputs: its MD5 record matches."""
    from sphinx_gallery.gen_rst import md5sum_is_current

    return bool(md5sum_is_current(script, mode="t"))  # as sphinx-gallery checks it


def add_hook(app: Sphinx, config: Config) -> None:
    """Add :func:`measure_example` to sphinx-gallery's ``reset_modules``, last.

    Runs before sphinx-gallery reads its configuration (priority 10), so the
    site's ``conf.py`` never names it.
    """
    conf = config.sphinx_gallery_conf
    hooks = conf.get("reset_modules", ("matplotlib",))
    hooks = [hooks] if isinstance(hooks, str) else list(hooks)
    if HOOK not in hooks:
        conf["reset_modules"] = (*hooks, HOOK)
    order = conf.setdefault("reset_modules_order", "both")
    if order != "both":
        from sphinx.errors import ConfigError

        msg = (
            "sphinx_gallery_conf['reset_modules_order'] must be 'both' (tfdocs_sphinx "
            f"measures each example between the two calls), got {order!r}"
        )
        raise ConfigError(msg)


def connect(app: Sphinx) -> None:
    """Add the hook to sphinx-gallery's configuration; hand its runs over after it."""
    app.connect("config-inited", add_hook, priority=5)
    app.connect("builder-inited", hand_over, priority=550)  # the gallery runs at 500
