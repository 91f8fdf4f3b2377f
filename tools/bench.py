"""Measure the docs build against the floor set by the code it runs.

``nox -s bench`` runs ``python tools/bench.py all``, which measures, in one run
on this machine, and writes ``_build/bench.json`` and a table:

``floor_s``
    The code of every page and gallery script, back to back in one Python
    process: one TensorFlow import, no Sphinx, no kernels. No build can do the
    same work on one core in less.
``scripts_s``
    Each page's code and each gallery script as its own ``python`` process, one
    after another: what a reader pays running them one by one. Gives ``pages``:
    each unit's seconds and peak memory (MB).
``cold_s``, ``noop_s``, ``edit_prose_s``, ``edit_code_s``
    The strict docs build from empty caches, again unchanged, after changing a
    sentence of one page, and after changing one code cell of that page. What
    each build executed, and each page's seconds and peak memory in the build,
    come from the run record the build writes (``tfdocs_sphinx.runs``).
``overhead_s``
    ``cold_s`` minus ``floor_s`` divided by the cores: what the cold build costs
    beyond the floor's work split perfectly over every core (kernel starts,
    imports, Sphinx reading and writing, cores left idle).

It checks the targets ``cold_s <= floor_s``, ``noop_s <= 5`` without importing
TensorFlow in the Sphinx process, ``edit_prose_s <= 5`` executing nothing, and
``edit_code_s <=`` that page's own seconds + 5 executing only it, and exits 1
if any is missed.

``python tools/bench.py run OUT UNIT...`` is the worker that runs units in one
process and writes their timings to ``OUT``.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tfdocs_sphinx.locations import BUILD_ENVIRONMENT, sphinx_build_args
from tfdocs_sphinx.runs import Run, read_record

__all__ = ["Unit", "edit_code", "edit_prose", "find_units", "page_code"]

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
EXAMPLES = ROOT / "examples"
BUILD = ROOT / "_build"
BENCH = BUILD / "bench"
EDITED_PAGE = "tensors.md"


@dataclass(frozen=True)
class Unit:
    """A page (MyST notebook) or a gallery script, named by its path from the root."""

    path: Path

    @property
    def name(self) -> str:
        """The path from the repository root, e.g. ``docs/tensors.md``."""
        return self.path.relative_to(ROOT).as_posix()

    @property
    def is_page(self) -> bool:
        """Whether this is a notebook page (else a gallery script)."""
        return self.path.suffix == ".md"


def find_units(docs: Path = DOCS, examples: Path = EXAMPLES) -> list[Unit]:
    """Every executed page (it has a kernelspec) and every ``plot_*.py`` script."""
    pages = [
        path
        for path in sorted(docs.rglob("*.md"))
        if "auto_examples" not in path.parts
        and "\nkernelspec:" in path.read_text(encoding="utf-8").split("\n---", 1)[0]
    ]
    return [Unit(path) for path in [*pages, *sorted(examples.rglob("plot_*.py"))]]


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


def edit_code(text: str) -> str:
    r"""Add a statement at the top of the page's first code cell.

    >>> edit_code("# T\n```{code-cell} ipython3\n:tags: [x]\ny = 2\n```\n")
    '# T\n```{code-cell} ipython3\n:tags: [x]\n_edited = True\ny = 2\n```\n'
    """
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("```{code-cell}"))
    body = start + 1
    while lines[body].startswith(":"):
        body += 1
    lines.insert(body, "_edited = True")
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

        context._reset_context()
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


def _timed(
    command: list[str], *, env: dict[str, str] | None = None
) -> tuple[float, float, str]:
    """Run ``command``; return its wall seconds, peak memory (MB) and output."""
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, env=env
        )
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - start
        log.seek(0)
        output = log.read()
    if process.returncode != 0:
        print(output[-5000:], file=sys.stderr)
        msg = f"{command} exited with {process.returncode}"
        raise RuntimeError(msg)
    return seconds, usage.ru_maxrss / 1024, output


# -- The benchmark -------------------------------------------------------------


@dataclass(frozen=True)
class Build:
    """One strict build into _build/bench: its time and what it executed."""

    seconds: float
    pages: dict[str, Run]  # executed by this build, by docname
    examples: dict[str, Run]
    tensorflow_imported: bool  # in the Sphinx process


def _build(label: str) -> Build:
    """Build strictly into _build/bench; read what ran from the build's run record."""
    probe = BENCH / f"{label}.probe.json"
    code = (
        "import json, sys\n"
        "from sphinx.cmd.build import main\n"
        "code = main(sys.argv[2:])\n"
        "with open(sys.argv[1], 'w') as f:\n"
        "    json.dump({'tensorflow_imported': 'tensorflow' in sys.modules}, f)\n"
        "sys.exit(code)\n"
    )
    args = sphinx_build_args(
        confdir=ROOT, srcdir=DOCS, outdir=BENCH / "html", doctreedir=BENCH / "doctrees"
    )
    seconds, _, _ = _timed([sys.executable, "-c", code, str(probe), *args])
    record = read_record(BENCH / "doctrees")
    build = Build(
        seconds=seconds,
        pages=record.executed("page"),
        examples=record.executed("example"),
        tensorflow_imported=json.loads(probe.read_text(encoding="utf-8"))[
            "tensorflow_imported"
        ],
    )
    print(
        f"  {label}: {seconds:.1f} s, executed {len(build.pages)} pages, "
        f"{len(build.examples)} examples"
    )
    return build


def bench() -> int:
    """Run every measurement, write _build/bench.json, print it, check the targets."""
    units = find_units()
    names = [unit.name for unit in units]
    env = {**os.environ, **BUILD_ENVIRONMENT, "MPLBACKEND": "Agg"}
    shutil.rmtree(BENCH, ignore_errors=True)
    BENCH.mkdir(parents=True)

    print(f"floor: {len(units)} units in one process")
    floor_s, _, _ = _timed(
        [sys.executable, __file__, "run", str(BENCH / "floor.json"), *names], env=env
    )
    print(f"  floor: {floor_s:.1f} s")

    print("scripts: one process per unit")
    pages: dict[str, dict[str, float]] = {}
    for unit in units:
        command = (
            [sys.executable, __file__, "run", str(BENCH / "unit.json"), unit.name]
            if unit.is_page
            else [sys.executable, str(unit.path)]
        )
        seconds, peak_mb, _ = _timed(command, env=env)
        pages[unit.name] = {"seconds": round(seconds, 2), "peak_mb": round(peak_mb, 1)}
        print(f"  {unit.name}: {seconds:.1f} s, {peak_mb:.0f} MB")
    scripts_s = sum(page["seconds"] for page in pages.values())

    print("builds")
    shutil.rmtree(DOCS / "auto_examples", ignore_errors=True)
    cold = _build("cold")
    noop = _build("noop")
    page = DOCS / EDITED_PAGE
    original = page.read_text(encoding="utf-8")
    try:
        page.write_text(edit_prose(original), encoding="utf-8")
        prose = _build("edit_prose")
        page.write_text(original, encoding="utf-8")
        _build("restore")
        page.write_text(edit_code(original), encoding="utf-8")
        code = _build("edit_code")
    finally:
        page.write_text(original, encoding="utf-8")
    _build("restore")

    cores = os.cpu_count() or 1
    executed = [*cold.pages.values(), *cold.examples.values()]
    exec_s = sum(run.seconds for run in executed)
    for name, run in cold.pages.items():
        pages[f"docs/{name}.md"].update(
            build_seconds=round(run.seconds, 2), build_peak_mb=round(run.peak_mb, 1)
        )
    page_s = pages[f"docs/{EDITED_PAGE}"]["seconds"]
    result: dict[str, Any] = {
        "machine": {"cores": cores, "python": sys.version.split()[0]},
        "floor_s": round(floor_s, 1),
        "scripts_s": round(scripts_s, 1),
        "cold_s": round(cold.seconds, 1),
        "noop_s": round(noop.seconds, 1),
        "edit_prose_s": round(prose.seconds, 1),
        "edit_code_s": round(code.seconds, 1),
        "edited_page": f"docs/{EDITED_PAGE}",
        "edited_page_s": page_s,
        "build_exec_s": round(exec_s, 1),
        "overhead_s": round(cold.seconds - floor_s / cores, 1),
        "noop_imported_tensorflow": noop.tensorflow_imported,
        "pages": pages,
    }
    targets = {
        "cold_s <= floor_s": result["cold_s"] <= result["floor_s"],
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


def _print_table(result: dict[str, Any]) -> None:
    print("\n| measure | seconds |\n|---|---|")
    for key in ("floor_s", "scripts_s", "cold_s", "noop_s", "edit_prose_s", "edit_code_s",
                "build_exec_s", "overhead_s"):  # fmt: skip
        print(f"| {key} | {result[key]} |")
    print("\n| target | met |\n|---|---|")
    for target, met in result["targets"].items():
        print(f"| {target} | {'yes' if met else 'NO'} |")
    print(f"\nwritten to {BUILD / 'bench.json'}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["run"]:
        run_units(Path(sys.argv[2]), sys.argv[3:])
    elif sys.argv[1:] == ["all"]:
        sys.exit(bench())
    else:
        sys.exit(__doc__)
