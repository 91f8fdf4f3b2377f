"""Measure the docs build against the floor set by the code it runs.

``nox -s bench`` runs ``python tools/bench.py`` (``all``), which measures, in one
run on this machine, and writes ``_build/bench.json`` and a table (``nox -s bench
-- scale --scale-max 4`` builds only the replicated sites of ``scale``, below,
into ``_build/bench-scale.json``):

``floor_s``, ``floor_cpu_s``
    The code of every page and gallery script, back to back in one Python
    process: one TensorFlow import, no Sphinx, no kernels; its wall seconds and
    its CPU seconds (user + system, every thread and waited-for child:
    ``os.wait4``). TensorFlow's thread pools may use several cores, so the CPU
    time, not the wall time, is the work a build has to spread over the cores.
    The floor and the cold build run in turns, ``--repeat`` times (2 by
    default); the figures are the floor that used the least CPU and the fastest
    cold build, as ``timeit`` reports the best of its runs, and ``repeats``
    lists every pair. This machine is shared: its speed drifts by a third
    within minutes, so a single pair compares two speeds as often as two builds.
``floor_spread_s``, ``floor_spread_cpu_s``
    The same code in as many processes as cores, all at once (one TensorFlow
    import each), the units shared among them by their seconds in
    ``docs/_durations.json`` (``execute.shards.assign``): what both cores do
    on this machine with no machinery at all. A shared host may run two busy
    cores slower than one: ``floor_cpu_s / cores`` assumes it does not, and
    this measures it. ``overhead_spread_s`` is ``cold_s`` minus it. Before
    each floor, ``bench_capacity`` measures how much one process per core does
    at once against one process alone (``capacity`` of each pair in
    ``repeats``: 2.0 on 2 independent cores).
``scripts_s``
    Each page's code and each gallery script as its own ``python`` process, one
    after another: what a reader pays running them one by one. Gives ``pages``:
    each unit's seconds and peak memory (MB).
``cold_s``, ``noop_s``, ``edit_prose_s``, ``edit_code_s``
    The strict docs build from empty caches, again unchanged, after changing a
    sentence of one page, and after changing one code cell of that page. What
    each build executed, and each page's seconds and peak memory in the build,
    come from the run record the build writes (``tfdocs_sphinx.runs``). The
    edited page is restored whatever ends the benchmark (``bench_edits``).
    ``cold_imported_tensorflow`` and ``noop_imported_tensorflow`` say whether
    the Sphinx process imported TensorFlow (the examples run elsewhere).
``pull_request``
    A pull request's docs build as the workflow makes it, after a fresh
    checkout (``bench_edits.checked_out``: every source dated now) with the
    cache kept: one sentence changed (``pr_prose``), one code cell
    (``pr_code``), and the sentence again without ``TFDOCS_KEEP_SOURCE_TIMES``
    (``pr_prose_plain``): seconds, documents read, units executed. A change of
    a helper executes everything: ``cold_s``. Every build of the benchmark
    sets ``TFDOCS_KEEP_SOURCE_TIMES=1``, as the workflow does.
``cold_cpu_s``, ``cold_peak_pss_mb``, ``cold_peak_rss_mb``
    The cold build's CPU seconds (Sphinx, zygote, kernels and what they start)
    and the peak total memory of its whole process tree, sampled from
    ``/proc`` (``bench_memory``: CPU and RSS every 0.2 s, PSS every 5 s, whose
    reading is costly enough to slow the build it measures): PSS counts memory
    a forked kernel shares with the zygote once, RSS once per process.
``cold_sphinx_cpu_s``, ``cold_sphinx_peak_mb``
    The Sphinx process's own share: its CPU seconds (every thread, not its
    children: the zygote, kernels, forked HTML writers) and its peak resident
    memory, written by the process itself when Sphinx returns
    (:data:`SPHINX_PROBE`): the machinery apart from the code it runs.
``docs/_durations.json``
    Rewritten from the cold build's run record: each unit's seconds, which a
    build with no record of its own (a fresh clone, CI) runs longest first
    (``tfdocs_sphinx.execute.order``). Commit it with the figures.
``overhead_s``
    ``cold_s`` minus ``floor_cpu_s`` divided by the cores: what the cold build
    costs beyond the floor's work split perfectly over every core (kernel
    starts, imports, Sphinx reading and writing, cores left idle).
``cold_phases``
    Where the cold build's wall time went (``bench_timeline``): for each phase
    (start, gallery, reading, writing, cut at the first line of each in its
    output) its start, wall seconds, CPU seconds of the build's process tree
    and the core-seconds it left idle. Idle cores are what ``overhead_s`` is
    made of beyond the build's own extra CPU.
``scale`` (with ``--scale``)
    The site with every executed page replicated k = 1, 2 times (``--scale-max
    4``: also 4; ``bench_scale``), built cold: wall and CPU seconds per
    executed unit and the slope (seconds per added unit) from each k to the
    next. The CPU figures are the ones to compare on a shared machine. Each
    build also gives the Sphinx process's own CPU seconds, their share of the
    build's, and its peak memory, the executed pages' own seconds and the
    phases (as ``cold_phases``): a copy runs its original's code, so the step
    that could grow faster than the pages is the machinery's.
``machine``
    Cores, Python and the load averages at the start and the end: the machine
    is shared, and the figures move with its load.

It reports ``cold_s <= floor_cpu_s / cores + 15`` (and, with ``--scale-max 4``,
the CPU cost of an added page from k = 2 to 4 within 15 % of its cost from
k = 1 to 2, the whole build's and the Sphinx process's) as met or missed
without failing on them, and checks the targets ``noop_s <= 5`` without
importing TensorFlow in the Sphinx process, ``edit_prose_s <= 5`` executing nothing, and ``edit_code_s <=`` that page's own
seconds + 5 executing only it, and exits 1 if any of these is missed.

``python tools/bench.py run OUT UNIT...`` is the worker that runs units in one
process and writes their timings to ``OUT``.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import json
import os
import re
import runpy
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bench_capacity
from bench_edits import checked_out, edited, restore_leftovers, sigterm_raises
from bench_memory import TreeSampler
from bench_scale import Scale, flat, replicate_site, slopes
from bench_timeline import OutputClock, Phase, phases
from tfdocs_sphinx.execute.order import committed_seconds, write_durations
from tfdocs_sphinx.execute.shards import assign, site_units
from tfdocs_sphinx.locations import BUILD_ENVIRONMENT, sphinx_build_args
from tfdocs_sphinx.runs import Run, read_record

__all__ = [
    "SPHINX_PROBE",
    "Unit",
    "best_pair",
    "edit_code",
    "edit_prose",
    "find_units",
    "gallery_configuration",
    "page_code",
    "sphinx_command",
]

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
EXAMPLES = ROOT / "examples"
BUILD = ROOT / "_build"
BENCH = BUILD / "bench"
EDITED_PAGE = "tensors.md"
#: Backups of the files the benchmark edits, until it has put them back.
EDITS = BUILD / "bench-edits"
#: Seconds a build may take on top of its share of the floor's CPU time.
COLD_SLACK_S = 15
#: The cores of this machine.
CORES = os.cpu_count() or 1


@dataclass(frozen=True)
class Unit:
    """A page (MyST notebook) or a gallery script: its source and its docname."""

    path: Path
    docname: str  # its name in the build: ``tensors``, ``auto_examples/basics/plot_x``

    @property
    def name(self) -> str:
        """The path from the repository root, e.g. ``docs/tensors.md``."""
        return self.path.relative_to(ROOT).as_posix()

    @property
    def is_page(self) -> bool:
        """Whether this is a notebook page (else a gallery script)."""
        return self.path.suffix == ".md"


def split_floor(
    units: list[Unit], seconds: dict[str, float], cores: int, *, root: Path = ROOT
) -> list[list[str]]:
    """Share the units among ``cores`` processes, balanced by their ``seconds``.

    ``seconds`` are by docname (``docs/_durations.json``; a unit without one
    counts as the others' mean); each share names its units by path from
    ``root``, in the order of ``units``.
    """
    by_docname = {
        unit.docname: unit.path.relative_to(root).as_posix() for unit in units
    }
    shares = assign({name: seconds.get(name) for name in by_docname}, cores)
    order = {name: i for i, name in enumerate(by_docname.values())}
    return [
        sorted((by_docname[name] for name in share), key=order.__getitem__)
        for share in shares
    ]


#: Starts each command it is given (a JSON list of argument lists) at once and
#: waits for them all: the floor spread over the cores. It fails if any fails,
#: and an interrupted one (the benchmark stopped) kills those still running.
TOGETHER = """\
import json, subprocess, sys
processes = [subprocess.Popen(command) for command in json.loads(sys.argv[1])]
try:
    codes = [process.wait() for process in processes]
finally:
    for process in processes:
        if process.poll() is None:
            process.kill()
failed = [code for code in codes if code]  # a signal: minus its number
sys.exit(abs(failed[0]) if failed else 0)
"""


def find_units(
    docs: Path = DOCS, gallery_conf: dict[str, Any] | None = None
) -> list[Unit]:
    """Every unit a build of ``docs`` executes: its notebook pages, then its examples.

    As the build names them (``execute.shards.site_units``), with the gallery
    configured by ``gallery_conf`` (by default, conf.py's).
    """
    if gallery_conf is None:
        gallery_conf = gallery_configuration()
    units = site_units(docs, gallery_conf)
    return [Unit(path, docname) for docname, path in units.items()]


def gallery_configuration(conf: Path = ROOT / "conf.py") -> dict[str, Any]:
    """Return ``sphinx_gallery_conf`` from ``conf`` (side-effect free: run as is)."""
    gallery: dict[str, Any] = runpy.run_path(str(conf))["sphinx_gallery_conf"]
    return gallery


def page_code(text: str) -> list[str]:
    r"""Return the code cells of a MyST notebook page, read as myst-nb reads them.

    >>> page_code("---\nkernelspec:\n  name: python3\n---\n# T\n```{code-cell}\nx = 1\n```")
    ['x = 1']
    """
    from myst_nb.core.read import read_myst_markdown_notebook

    notebook = read_myst_markdown_notebook(text)
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


def edit_prose(text: str) -> str:
    r"""Change the first sentence of prose after the page's title.

    >>> edit_prose("---\na: 1\n---\n# T\n\nSome words.\n")
    '---\na: 1\n---\n# T\n\nSome words. (Edited.)\n'
    """
    lines = text.split("\n")
    title = next(i for i, line in enumerate(lines) if line.startswith("# "))
    for i in range(title + 1, len(lines)):
        if lines[i].strip() and lines[i][0].isalpha():
            lines[i] += " (Edited.)"
            return "\n".join(lines)
    msg = "no prose line after the title"
    raise ValueError(msg)


def edit_code(text: str, *, name: str = "_edited") -> str:
    r"""Add a statement, ``name = True``, at the top of the page's first code cell.

    A different ``name`` makes an edit whose outputs no earlier build cached.

    >>> edit_code("# T\n```{code-cell} ipython3\n:tags: [x]\ny = 2\n```\n")
    '# T\n```{code-cell} ipython3\n:tags: [x]\n_edited = True\ny = 2\n```\n'
    """
    if not name.isidentifier():
        msg = f"name must be a Python identifier, got {name!r}"
        raise ValueError(msg)
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("```{code-cell}"))
    body = start + 1
    while lines[body].startswith(":"):
        body += 1
    lines.insert(body, f"{name} = True")
    return "\n".join(lines)


# -- Running units -------------------------------------------------------------


def run_units(out: Path, names: list[str]) -> None:
    """Run units in this process (pages through IPython, as a kernel would)."""
    from IPython.core.interactiveshell import InteractiveShell

    # As in a kernel: figures are shown (rendered to PNG) at the end of each cell.
    # matplotlib_inline hooks into the shell when pyplot first loads it.
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    shell = InteractiveShell.instance()
    formatter = shell.display_formatter
    assert formatter is not None
    formatter.active_types = list(formatter.formatters)
    timings = {}
    home = Path.cwd()
    for name in names:
        with (
            tempfile.TemporaryDirectory() as cwd,
            contextlib.redirect_stdout(io.StringIO()),
        ):
            os.chdir(cwd)
            try:
                start = time.perf_counter()
                _run_unit(shell, ROOT / name, name)
                timings[name] = time.perf_counter() - start
            finally:
                os.chdir(home)
        _reset_state()
    out.write_text(json.dumps(timings, indent=1), encoding="utf-8")


def _run_unit(shell: Any, path: Path, name: str) -> None:
    """Run a page's cells in ``shell``, or a script as ``__main__``."""
    import runpy

    if path.suffix != ".md":
        runpy.run_path(str(path), run_name="__main__")
        return
    shell.reset(new_session=False)
    for code in page_code(path.read_text(encoding="utf-8")):
        result = shell.run_cell(code, store_history=False)
        if not result.success:
            msg = f"{name} failed"
            raise RuntimeError(msg) from (
                result.error_in_exec or result.error_before_exec
            )


def _reset_state() -> None:
    """Between units: a fresh TensorFlow context and Keras session, no open figures.

    Resetting the eager context (TensorFlow's own test utilities do the same) lets
    the next unit configure devices again and gives it fresh collective-op keys,
    as a new process would; without it a distribution example after the
    distribution page fails on colliding collective instances.
    """
    if "keras" in sys.modules:
        sys.modules["keras"].backend.clear_session()
    if "tensorflow" in sys.modules:
        from tensorflow.python.eager import context
        from tensorflow.python.framework import config

        context._reset_context()
        # A process-wide switch, outside the context: a page that turns it on
        # (seed_everything) would make the next one's unseeded random ops fail.
        config.disable_op_determinism()
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


@dataclass(frozen=True)
class Measured:
    """One command's wall and CPU seconds, peak memory and output."""

    seconds: float
    #: User + system CPU seconds of the process and every descendant it waited for.
    cpu_s: float
    #: Peak memory of the largest single process (its ``ru_maxrss``).
    peak_mb: float
    #: Peak total memory of the whole process tree (sampled; RSS and PSS).
    tree_rss_mb: float
    tree_pss_mb: float
    output: str
    #: Where its wall time went (:mod:`bench_timeline`).
    phases: list[Phase]


def _timed(command: list[str], *, env: dict[str, str] | None = None) -> Measured:
    """Run ``command``, sampling its process tree's memory; fail if it fails.

    If the benchmark is interrupted meanwhile, the command is stopped as Ctrl-C
    would (Sphinx then stops its zygote and kernels), killed if it lingers.
    """
    start = time.monotonic()
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        text=True,
        errors="replace",
    )
    clock = OutputClock(process.stdout)  # type: ignore[arg-type]  (a pipe)
    sampler = TreeSampler(process.pid)
    try:
        # wait4: the child's resource use, its reaped descendants' included.
        _, status, usage = os.wait4(process.pid, 0)
    except BaseException:
        _stop(process)
        clock.join(
            timeout=10
        )  # what it printed last, unless its children hold the pipe
        process.stdout.close()  # type: ignore[union-attr]  (a pipe)
        raise
    finally:
        sampler.stop()
    end = time.monotonic()
    lines = clock.join()
    process.stdout.close()  # type: ignore[union-attr]
    process.returncode = os.waitstatus_to_exitcode(status)
    output = "".join(line for _, line in lines)
    seconds = end - start
    cpu_s = usage.ru_utime + usage.ru_stime
    # Nothing had run at the start; the tree's last samples miss what the reaped
    # root used: end on wait4's total.
    used = [(start, 0.0), *sampler.cpu, (end, cpu_s)]
    timeline = phases(lines, used, start=start, end=end, cores=CORES)
    if process.returncode != 0:
        print(output[-5000:], file=sys.stderr)
        msg = f"{command} exited with {process.returncode}"
        raise RuntimeError(msg)
    return Measured(
        seconds=seconds,
        cpu_s=cpu_s,
        peak_mb=usage.ru_maxrss / 1024,
        tree_rss_mb=sampler.peak_rss_mb,
        tree_pss_mb=sampler.peak_pss_mb,
        output=output,
        phases=timeline,
    )


def _stop(process: subprocess.Popen[Any]) -> None:
    """Interrupt ``process`` as Ctrl-C would; kill it if it has not ended in 30 s."""
    for signum, wait in ((signal.SIGINT, 30), (signal.SIGKILL, 10)):
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signum)
        with contextlib.suppress(subprocess.TimeoutExpired, ChildProcessError):
            process.wait(timeout=wait)
            return


# -- The benchmark -------------------------------------------------------------


@dataclass(frozen=True)
class Build:
    """One strict build: its time, CPU, memory and what it executed."""

    measured: Measured
    pages: dict[str, Run]  # executed by this build, by docname
    examples: dict[str, Run]
    tensorflow_imported: bool  # in the Sphinx process
    read: int  # documents Sphinx read (added or changed)
    #: The Sphinx process's own CPU seconds (every thread, no child) and peak
    #: resident memory in MB: the machinery without the kernels.
    sphinx_cpu_s: float = 0.0
    sphinx_peak_mb: float = 0.0

    @property
    def seconds(self) -> float:
        """Wall seconds of the build."""
        return self.measured.seconds


def _build(
    label: str,
    *,
    root: Path = ROOT,
    out: Path = BENCH,
    strict: bool = True,
    keep_source_times: bool = True,
) -> Build:
    """Build the site in ``root`` into ``out``; read what ran from its run record.

    As the docs workflow builds, with ``TFDOCS_KEEP_SOURCE_TIMES=1`` unless
    ``keep_source_times`` is false.
    """
    probe = out / f"{label}.probe.json"
    args = sphinx_build_args(
        confdir=ROOT,
        srcdir=root / "docs",
        outdir=out / "html",
        doctreedir=out / "doctrees",
        strict=strict,
    )
    keep = {"TFDOCS_KEEP_SOURCE_TIMES": "1" if keep_source_times else "0"}
    measured = _timed(sphinx_command(probe, args), env={**os.environ, **keep})
    record = read_record(out / "doctrees")
    sphinx = json.loads(probe.read_text(encoding="utf-8"))
    build = Build(
        measured=measured,
        pages=record.executed("page"),
        examples=record.executed("example"),
        tensorflow_imported=sphinx["tensorflow_imported"],
        read=documents_read(measured.output),
        sphinx_cpu_s=sphinx["cpu_s"],
        sphinx_peak_mb=sphinx["peak_mb"],
    )
    print(
        f"  {label}: {measured.seconds:.1f} s (CPU {measured.cpu_s:.1f} s, "
        f"tree peak {measured.tree_pss_mb:.0f} MB PSS, "
        f"{measured.tree_rss_mb:.0f} MB RSS; Sphinx {build.sphinx_cpu_s:.1f} CPU s, "
        f"{build.sphinx_peak_mb:.0f} MB), executed {len(build.pages)} pages, "
        f"{len(build.examples)} examples, read {build.read} documents"
    )
    return build


#: Runs Sphinx, then writes what only its own process knows to a JSON file:
#: whether it imported TensorFlow, its CPU seconds (``os.times``: every thread,
#: its children apart) and its peak resident memory (``ru_maxrss``).
SPHINX_PROBE = """\
import json, os, resource, sys
from sphinx.cmd.build import main
code = main(sys.argv[2:])
own = os.times()
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
with open(sys.argv[1], "w") as f:
    json.dump({"tensorflow_imported": "tensorflow" in sys.modules,
               "cpu_s": own.user + own.system, "peak_mb": peak_kb / 1024}, f)
sys.exit(code)
"""


def sphinx_command(probe: Path, args: list[str]) -> list[str]:
    """Return the command that runs ``sphinx-build args`` and writes ``probe``."""
    return [sys.executable, "-c", SPHINX_PROBE, str(probe), *args]


def _clear_builds() -> None:
    """Remove what a build of the benchmark made, so that the next one is cold."""
    for made in ("html", "doctrees", "jupyter_execute", ".jupyter_cache"):
        shutil.rmtree(BENCH / made, ignore_errors=True)
    shutil.rmtree(DOCS / "auto_examples", ignore_errors=True)


def best_pair(pairs: list[tuple[Measured, Build]]) -> tuple[Measured, Build]:
    """Return the floor that used the least CPU and the fastest cold build.

    Each is the best of its repeats, as ``timeit`` reports the best of its
    runs: what the machine's other load added is noise, not the build's cost.
    """
    if not pairs:
        msg = "pairs must hold at least one (floor, cold build) pair"
        raise ValueError(msg)
    floor = min((f for f, _ in pairs), key=lambda f: f.cpu_s)
    cold = min((c for _, c in pairs), key=lambda c: c.seconds)
    return floor, cold


def documents_read(output: str) -> int:
    """Return how many documents a build read, from Sphinx's own count in ``output``.

    >>> documents_read("updating environment: 0 added, 2 changed, 0 removed")
    2
    >>> documents_read("no line of that kind")
    0
    """
    found = re.search(r"updating environment: .*?(\d+) added, (\d+) changed", output)
    return int(found[1]) + int(found[2]) if found else 0


def _load() -> list[float]:
    """Return the machine's load averages over 1, 5 and 15 minutes."""
    return [round(load, 2) for load in os.getloadavg()]


def _scale(ks: list[int], units: list[Unit]) -> dict[str, Any]:
    """Build the site with its pages replicated k times, for each k; per-unit cost.

    The units of a build are the pages and examples it executed (its run
    record); the slope is the cost of each added unit from one k to the next.
    """
    pages = [unit.path for unit in units if unit.is_page]
    examples = len(units) - len(pages)
    scales = []
    for k in ks:
        root = BENCH / f"scale-{k}"
        # From empty caches: a run stopped mid-build leaves its executed pages
        # here (beside the site, in .jupyter_cache), and a k = 4 build after
        # one found all 120 cached and executed none.
        shutil.rmtree(root, ignore_errors=True)
        executed = replicate_site(DOCS, EXAMPLES, pages, root / "site", k=k)
        # Not strict: what is measured is time; a warning a copy may raise (an
        # orphan's link, a repeated target) must not stop the measurement.
        build = _build(f"scale k={k}", root=root / "site", out=root, strict=False)
        ran = len(build.pages) + len(build.examples)
        if ran != executed + examples:
            print(
                f"  scale k={k}: executed {ran} units, {executed + examples} expected"
            )
        scales.append(
            Scale(
                k=k,
                units=ran,
                seconds=build.seconds,
                cpu_s=build.measured.cpu_s,
                peak_pss_mb=build.measured.tree_pss_mb,
                peak_rss_mb=build.measured.tree_rss_mb,
                sphinx_cpu_s=build.sphinx_cpu_s,
                sphinx_peak_mb=build.sphinx_peak_mb,
                pages_s=sum(run.seconds for run in build.pages.values()),
                phases=tuple(build.measured.phases),
            )
        )
        shutil.rmtree(root, ignore_errors=True)
    steps = slopes(scales)
    cpu_steps = slopes(scales, of="cpu_s")
    sphinx_steps = slopes(scales, of="sphinx_cpu_s")
    # Flat: the CPU (which the machine's load moves least) of an added page,
    # from k = 2 to 4, within 15 % of its cost from k = 1 to 2; the whole
    # build's, and the Sphinx process's alone (the machinery, without the
    # kernels, which run the same code in every copy).
    return {
        "builds": [
            {
                "k": s.k,
                "units": s.units,
                "seconds": round(s.seconds, 1),
                "per_unit_s": round(s.per_unit_s, 2),
                "cpu_s": round(s.cpu_s, 1),
                "per_unit_cpu_s": round(s.per_unit_cpu_s, 2),
                "peak_pss_mb": round(s.peak_pss_mb),
                "peak_rss_mb": round(s.peak_rss_mb),
                "sphinx_cpu_s": round(s.sphinx_cpu_s, 1),
                "sphinx_share": round(s.sphinx_share, 3),
                "sphinx_peak_mb": round(s.sphinx_peak_mb),
                "pages_s": round(s.pages_s, 1),
                "phases": {phase.name: phase.to_json() for phase in s.phases},
            }
            for s in scales
        ],
        "slopes_s_per_unit": [round(step, 2) for step in steps],
        "slopes_cpu_s_per_unit": [round(step, 2) for step in cpu_steps],
        "slopes_pages_s_per_unit": [
            round(step, 2) for step in slopes(scales, of="pages_s")
        ],
        "slopes_sphinx_cpu_s_per_unit": [round(step, 3) for step in sphinx_steps],
        "slope_flat_within_15pct": flat(cpu_steps),
        "sphinx_slope_flat_within_15pct": flat(sphinx_steps),
    }


def bench(*, scale: list[int] | None = None, repeat: int = 2) -> int:
    """Run every measurement, write _build/bench.json, print it, check the targets.

    The floor and the cold build run ``repeat`` times in turns; the best of
    each is reported (:func:`best_pair`), every pair in ``repeats``.
    """
    if repeat < 1:
        msg = f"repeat must be at least 1, got {repeat}"
        raise ValueError(msg)
    for line in restore_leftovers(EDITS):
        print(f"bench: {line} (a benchmark was killed while it edited it)")
    load_start = _load()
    units = find_units()
    names = [unit.name for unit in units]
    env = {**os.environ, **BUILD_ENVIRONMENT, "MPLBACKEND": "Agg"}
    shutil.rmtree(BENCH, ignore_errors=True)
    BENCH.mkdir(parents=True)

    # The floor and the cold build in turns, each the best of ``repeat``: this
    # shared machine's speed drifts by a third within minutes, so one pair
    # compares two speeds as often as two builds.
    pairs: list[tuple[Measured, Build]] = []
    spread: list[Measured] = []
    capacities: list[bench_capacity.Capacity] = []
    shares = split_floor(units, committed_seconds(DOCS), CORES)
    for attempt in range(1, repeat + 1):
        print(f"floor {attempt}/{repeat}: {len(units)} units in one process "
              f"(load {_load()})")  # fmt: skip
        capacities.append(bench_capacity.measure(cores=CORES))
        print(f"  capacity: {capacities[-1].capacity} of {CORES} cores "
              f"(spin loops {capacities[-1].to_json()})")  # fmt: skip
        floor = _timed(
            [sys.executable, __file__, "run", str(BENCH / "floor.json"), *names],
            env=env,
        )
        print(f"  floor: {floor.seconds:.1f} s, CPU {floor.cpu_s:.1f} s")
        commands = [
            [sys.executable, __file__, "run", str(BENCH / f"floor-{i}.json"), *share]
            for i, share in enumerate(shares)
        ]
        spread.append(
            _timed([sys.executable, "-c", TOGETHER, json.dumps(commands)], env=env)
        )
        print(f"  floor on {len(shares)} processes at once: "
              f"{spread[-1].seconds:.1f} s, CPU {spread[-1].cpu_s:.1f} s")  # fmt: skip
        _clear_builds()
        pairs.append((floor, _build(f"cold-{attempt}")))
    floor, cold = best_pair(pairs)
    floor_spread = min(spread, key=lambda measured: measured.seconds)

    print("scripts: one process per unit")
    pages: dict[str, dict[str, float]] = {}
    for unit in units:
        command = (
            [sys.executable, __file__, "run", str(BENCH / "unit.json"), unit.name]
            if unit.is_page
            else [sys.executable, str(unit.path)]
        )
        measured = _timed(command, env=env)
        pages[unit.name] = {
            "seconds": round(measured.seconds, 2),
            "peak_mb": round(measured.peak_mb, 1),
        }
        print(f"  {unit.name}: {measured.seconds:.1f} s, {measured.peak_mb:.0f} MB")
    scripts_s = sum(page["seconds"] for page in pages.values())

    print("builds")
    # Each unit's seconds, the order of a build with no record (a fresh clone):
    # committed with the README's figures.
    print(f"  wrote {write_durations(BENCH / 'doctrees', DOCS).relative_to(ROOT)}")
    noop = _build("noop")
    page = DOCS / EDITED_PAGE
    with edited(page, edit_prose, backups=EDITS):
        prose = _build("edit_prose")
    _build("restore")
    with edited(page, edit_code, backups=EDITS):
        code = _build("edit_code")
    _build("restore")
    # A pull request's build as the docs workflow makes it: a fresh checkout
    # (every source dated now) with the cache restored (here: kept).
    pull: dict[str, Build] = {}
    # Not edit_code's own edit, whose outputs the cache has: this one executes.
    pr_edit_code = functools.partial(edit_code, name="_edited_in_a_pull_request")
    changes: list[tuple[str, Callable[[str], str], bool]] = [
        ("pr_prose", edit_prose, True),
        ("pr_code", pr_edit_code, True),
        ("pr_prose_plain", edit_prose, False),
    ]
    for label, edit, keep in changes:
        with checked_out(DOCS), edited(page, edit, backups=EDITS):
            pull[label] = _build(label, keep_source_times=keep)
        _build("restore")
    scaled = _scale(scale, units) if scale else None
    load_end = _load()

    cores = CORES
    executed = [*cold.pages.values(), *cold.examples.values()]
    exec_s = sum(run.seconds for run in executed)
    for name, run in cold.pages.items():
        pages[f"docs/{name}.md"].update(
            build_seconds=round(run.seconds, 2), build_peak_mb=round(run.peak_mb, 1)
        )
    page_s = pages[f"docs/{EDITED_PAGE}"]["seconds"]
    cold_target_s = floor.cpu_s / cores + COLD_SLACK_S
    result: dict[str, Any] = {
        "machine": {
            "cores": cores,
            "python": sys.version.split()[0],
            "load_start": load_start,
            "load_end": load_end,
        },
        "floor_s": round(floor.seconds, 1),
        "floor_cpu_s": round(floor.cpu_s, 1),
        "floor_spread_s": round(floor_spread.seconds, 1),
        "floor_spread_cpu_s": round(floor_spread.cpu_s, 1),
        "scripts_s": round(scripts_s, 1),
        "cold_s": round(cold.seconds, 1),
        "cold_cpu_s": round(cold.measured.cpu_s, 1),
        "cold_target_s": round(cold_target_s, 1),
        "cold_peak_pss_mb": round(cold.measured.tree_pss_mb),
        "cold_peak_rss_mb": round(cold.measured.tree_rss_mb),
        "cold_sphinx_cpu_s": round(cold.sphinx_cpu_s, 1),
        "cold_sphinx_peak_mb": round(cold.sphinx_peak_mb),
        "noop_s": round(noop.seconds, 1),
        "edit_prose_s": round(prose.seconds, 1),
        "edit_code_s": round(code.seconds, 1),
        "pull_request": {
            label: {
                "seconds": round(build.seconds, 1),
                "read": build.read,
                "executed": len(build.pages) + len(build.examples),
            }
            for label, build in pull.items()
        },
        "edited_page": f"docs/{EDITED_PAGE}",
        "edited_page_s": page_s,
        "build_exec_s": round(exec_s, 1),
        "overhead_s": round(cold.seconds - floor.cpu_s / cores, 1),
        "overhead_spread_s": round(cold.seconds - floor_spread.seconds, 1),
        "cold_phases": {phase.name: phase.to_json() for phase in cold.measured.phases},
        "repeats": [
            {
                "floor_s": round(f.seconds, 1),
                "floor_cpu_s": round(f.cpu_s, 1),
                "cold_s": round(c.seconds, 1),
                "cold_cpu_s": round(c.measured.cpu_s, 1),
                "met": c.seconds <= f.cpu_s / cores + COLD_SLACK_S,
                "floor_spread_s": round(p.seconds, 1),
                "floor_spread_cpu_s": round(p.cpu_s, 1),
                "capacity": k.to_json(),
            }
            for (f, c), p, k in zip(pairs, spread, capacities, strict=True)
        ],
        "noop_imported_tensorflow": noop.tensorflow_imported,
        # The examples run in children of the zygote, not in Sphinx.
        "cold_imported_tensorflow": cold.tensorflow_imported,
        "scale": scaled,
        "pages": pages,
    }
    # Reported, never failing the session: on a shared machine it varies most.
    result["reported"] = {
        f"cold_s <= floor_cpu_s / cores + {COLD_SLACK_S}": cold.seconds
        <= cold_target_s,
    }
    if scaled is not None and scaled["slope_flat_within_15pct"] is not None:
        result["reported"]["scale: CPU per added page <= 1.15 x its first slope"] = (
            scaled["slope_flat_within_15pct"]
        )
        result["reported"][
            "scale: Sphinx CPU per added page <= 1.15 x its first slope"
        ] = scaled["sphinx_slope_flat_within_15pct"]
    targets = {
        "noop_s <= 5, no TensorFlow import": result["noop_s"] <= 5
        and not noop.tensorflow_imported,
        "edit_prose_s <= 5, nothing executed": result["edit_prose_s"] <= 5
        and not prose.pages
        and not prose.examples,
        "edit_code_s <= page + 5, only that page": result["edit_code_s"] <= page_s + 5
        and list(code.pages) == [EDITED_PAGE.removesuffix(".md")]
        and not code.examples,
    }
    result["targets"] = targets
    (BUILD / "bench.json").write_text(
        json.dumps(result, indent=1) + "\n", encoding="utf-8"
    )
    _print_table(result)
    return 0 if all(targets.values()) else 1


def _print_scale(scale: dict[str, Any]) -> None:
    print("\n| k | units | seconds | per unit | CPU s | CPU per unit | peak PSS "
          "| Sphinx CPU s | Sphinx share | Sphinx peak |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|")
    for row in scale["builds"]:
        print(f"| {row['k']} | {row['units']} | {row['seconds']} | "
              f"{row['per_unit_s']} | {row['cpu_s']} | {row['per_unit_cpu_s']} | "
              f"{row['peak_pss_mb']} MB | {row['sphinx_cpu_s']} | "
              f"{row['sphinx_share']} | {row['sphinx_peak_mb']} MB |")  # fmt: skip
    print("\n| k | phase | seconds | CPU s | idle core-s |\n|---|---|---|---|---|")
    for row in scale["builds"]:
        for name, phase in row["phases"].items():
            print(f"| {row['k']} | {name} | {phase['seconds']} | {phase['cpu_s']} | "
                  f"{phase['idle_core_s']} |")  # fmt: skip
    print(f"slopes per added unit: {scale['slopes_s_per_unit']} s, "
          f"{scale['slopes_cpu_s_per_unit']} CPU s, "
          f"{scale['slopes_sphinx_cpu_s_per_unit']} Sphinx CPU s")  # fmt: skip
    verdict = {True: "met", False: "MISSED", None: "one slope only (--scale-max 4)"}
    within = scale["sphinx_slope_flat_within_15pct"]
    print(f"Sphinx CPU per added page <= 1.15 x its first slope: {verdict[within]}")
    within = scale["slope_flat_within_15pct"]
    print(f"CPU per added page <= 1.15 x its first slope: {verdict[within]}")


def scale_only(ks: list[int]) -> int:
    """Build the replicated sites only; write _build/bench-scale.json, print it."""
    load_start = _load()
    BENCH.mkdir(parents=True, exist_ok=True)
    scaled = _scale(ks, find_units())
    result = {
        "machine": {
            "cores": CORES,
            "python": sys.version.split()[0],
            "load_start": load_start,
            "load_end": _load(),
        },
        "scale": scaled,
    }
    path = BUILD / "bench-scale.json"
    path.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    _print_scale(scaled)
    print(f"\nwritten to {path}")
    return 0


def _print_table(result: dict[str, Any]) -> None:
    print("\n| measure | value |\n|---|---|")
    for key in ("floor_s", "floor_cpu_s", "floor_spread_s", "floor_spread_cpu_s",
                "scripts_s", "cold_s", "cold_cpu_s", "cold_target_s",
                "cold_peak_pss_mb", "cold_peak_rss_mb", "cold_sphinx_cpu_s",
                "cold_sphinx_peak_mb", "noop_s", "edit_prose_s", "edit_code_s",
                "build_exec_s", "overhead_s", "overhead_spread_s",
                "cold_imported_tensorflow"):  # fmt: skip
        print(f"| {key} | {result[key]} |")
    machine = result["machine"]
    print(f"\nload average (1, 5, 15 min): start {machine['load_start']}, "
          f"end {machine['load_end']} on {machine['cores']} cores")  # fmt: skip
    if result["scale"] is not None:
        _print_scale(result["scale"])
    print("\n| pair | capacity | floor s | floor CPU s | spread s | spread CPU s | "
          "cold s | cold CPU s | cold target met |\n|---|---|---|---|---|---|---|---|---|")  # fmt: skip
    for number, row in enumerate(result["repeats"], start=1):
        print(f"| {number} | {row['capacity']['capacity']} | {row['floor_s']} | "
              f"{row['floor_cpu_s']} | {row['floor_spread_s']} | "
              f"{row['floor_spread_cpu_s']} | {row['cold_s']} | "
              f"{row['cold_cpu_s']} | {'met' if row['met'] else 'MISSED'} |")  # fmt: skip
    print("\n| cold build phase | from (s) | seconds | CPU s | idle core-s |")
    print("|---|---|---|---|---|")
    for name, row in result["cold_phases"].items():
        print(f"| {name} | {row['start_s']} | {row['seconds']} | {row['cpu_s']} | "
              f"{row['idle_core_s']} |")  # fmt: skip
    print("\n| pull request (fresh checkout, cache kept) | seconds | read | executed |")
    print("|---|---|---|---|")
    for label, row in result["pull_request"].items():
        print(f"| {label} | {row['seconds']} | {row['read']} | {row['executed']} |")
    print("\n| target | met |\n|---|---|")
    for target, met in result["reported"].items():
        print(f"| {target} (reported) | {'met' if met else 'MISSED'} |")
    for target, met in result["targets"].items():
        print(f"| {target} | {'met' if met else 'MISSED'} |")
    print(f"\nwritten to {BUILD / 'bench.json'}")


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="tools/bench.py", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument(
        "command",
        nargs="?",
        choices=["all", "scale"],
        default="all",
        help="all: every measurement (the default); scale: only the replicated "
        "sites of --scale (k = 1, 2, and 4 with --scale-max 4)",
    )
    parser.add_argument(
        "--scale",
        action="store_true",
        help="also build the site with its pages replicated k = 1, 2 times",
    )
    parser.add_argument(
        "--scale-max",
        type=int,
        choices=[2, 4],
        default=2,
        help="the largest k of --scale (4 adds k = 4; ~4x the cold build)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=2,
        help="run the floor and the cold build this many times in turns, "
        "and report the best of each (default 2)",
    )
    return parser.parse_args(argv)


if __name__ == "__main__":
    if sys.argv[1:2] == ["run"]:
        run_units(Path(sys.argv[2]), sys.argv[3:])
    else:
        options = _arguments(sys.argv[1:])
        ks = [k for k in (1, 2, 4) if k <= options.scale_max]
        # SIGTERM, like Ctrl-C, stops the running build and restores edited files.
        with sigterm_raises():
            if options.command == "scale":
                status = scale_only(ks)
            else:
                status = bench(
                    scale=ks if options.scale else None, repeat=options.repeat
                )
        sys.exit(status)
