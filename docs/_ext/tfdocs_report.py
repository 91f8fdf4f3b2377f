"""Show what every page and example ran with, and how long it took.

* Each executed page and gallery example gets a banner under its title: the
  Python, TensorFlow and Keras versions it was executed with and its execution
  time.
* The ``{execution-report}`` directive renders the build's own measurements of
  every page and example (seconds and peak memory) as a table and a bar chart.

The measurements come from ``tfdocs_executor``: ``env.tfdocs_runs`` for pages
and the ``<example>.run.json`` files it writes beside the gallery's pages.
Every measured figure is wrapped in an element of class ``tfdocs-measurement``:
it is the only part of a page allowed to differ between two builds of the same
source, and the reproducibility check (``nox -s repro``) ignores exactly that.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.docutils import SphinxDirective

import tfdocs_executor

__all__ = ["MEASUREMENT", "UnitRun", "bar_chart_svg", "collect_runs", "report_html"]

#: Class of every element that holds a measured (run-to-run varying) figure.
MEASUREMENT = "tfdocs-measurement"
_STATIC = Path(__file__).parent / "static"


@dataclass(frozen=True)
class UnitRun:
    """One page's or example's measured run."""

    docname: str
    kind: str  # "page" or "example"
    seconds: float
    peak_mb: float
    versions: tuple[tuple[str, str], ...]


def collect_runs(env: BuildEnvironment) -> list[UnitRun]:
    """Every measured page and example, pages first, each sorted by name."""
    runs = [
        _unit(docname, "page", data)
        for docname, data in sorted(getattr(env, "tfdocs_runs", {}).items())
    ]
    srcdir = Path(env.srcdir)
    for docname in sorted(env.found_docs):
        record = tfdocs_executor.example_run(srcdir, docname)
        if record is not None:
            runs.append(_unit(docname, "example", record))
    return runs


def _unit(docname: str, kind: str, data: dict[str, Any]) -> UnitRun:
    versions = data.get("versions") or {}
    return UnitRun(
        docname=docname,
        kind=kind,
        seconds=float(data.get("seconds", data.get("execution_seconds", 0.0)) or 0.0),
        peak_mb=float(data.get("peak_mb", 0.0) or 0.0),
        versions=tuple(sorted(versions.items())),
    )


_NAMES = {"python": "Python", "tensorflow": "TensorFlow", "keras": "Keras"}


def _versions_text(versions: tuple[tuple[str, str], ...]) -> str:
    order = list(_NAMES)
    ranked = sorted(
        versions,
        key=lambda item: (order.index(item[0]) if item[0] in order else 99, item),
    )
    parts = [f"{_NAMES.get(name, name)} {version}" for name, version in ranked]
    if len(parts) > 1:
        return ", ".join(parts[:-1]) + " and " + parts[-1]
    return "".join(parts)


# -- Banners ------------------------------------------------------------------


def add_banner(app: Sphinx, doctree: nodes.document) -> None:
    """Put the versions and execution time under the page's title.

    Cells tagged ``timing`` print measured times too: their outputs are kept
    out of the search index for the same reason.
    """
    for cell in doctree.findall(nodes.container):
        if cell.get("nb_element") == "cell_code" and "timing" in cell.get(
            "cell_metadata", {}
        ).get("tags", []):
            for output in cell.findall(nodes.container):
                if output.get("nb_element") == "cell_code_output":
                    output["classes"].append("no-search")
    env = app.env
    docname = env.docname
    data = getattr(env, "tfdocs_runs", {}).get(docname)
    if data is None:
        data = tfdocs_executor.example_run(Path(env.srcdir), docname)
        if data is None:
            return
        env.note_dependency(f"{docname}{tfdocs_executor.EXAMPLE_RUN_SUFFIX}")
    run = _unit(docname, "", data)
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None or not run.versions:
        return
    # Raw HTML, so that neither the search index nor the Open Graph description
    # (which both skip it) picks up the time, which differs on every build.
    banner = nodes.raw(
        "",
        '<div class="tfdocs-run"><p>'
        f"Executed with {html.escape(_versions_text(run.versions))} in "
        f'<span class="{MEASUREMENT}">{run.seconds:.1f} s</span>.</p></div>',
        format="html",
        classes=["no-search"],
    )
    title = next(iter(section.findall(nodes.title)), None)
    section.insert(section.index(title) + 1 if title is not None else 0, banner)


# -- The report ---------------------------------------------------------------


class execution_report(nodes.General, nodes.Element):  # docutils names nodes so
    """Placeholder, filled in once every page has been read."""


class ExecutionReport(SphinxDirective):
    """``{execution-report}``: the table and chart of this build's runs."""

    def run(self) -> list[nodes.Node]:
        reports = _report_docs(self.env)
        reports.add(self.env.docname)
        return [execution_report()]


def _report_docs(env: BuildEnvironment) -> set[str]:
    if not hasattr(env, "tfdocs_report_docs"):
        env.tfdocs_report_docs = set()  # type: ignore[attr-defined]
    return env.tfdocs_report_docs  # type: ignore[attr-defined]


def always_reread_reports(
    app: Sphinx,
    env: BuildEnvironment,
    added: set[str],
    changed: set[str],
    removed: set[str],
) -> list[str]:
    """The report reflects every run, so it is read again on every build."""
    return sorted(_report_docs(env) & env.found_docs - added - changed)


def fill_report(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for placeholder in list(doctree.findall(execution_report)):
        runs = collect_runs(app.env)
        links = {
            run.docname: (
                app.builder.get_relative_uri(docname, run.docname),
                app.env.titles[run.docname].astext()
                if run.docname in app.env.titles
                else run.docname,
            )
            for run in runs
        }
        report = nodes.raw(
            "", report_html(runs, links), format="html", classes=["no-search"]
        )
        placeholder.replace_self(report)


def report_html(runs: list[UnitRun], links: dict[str, tuple[str, str]]) -> str:
    """The report: versions, a table of runs and a bar chart, as escaped HTML.

    ``links`` maps a docname to the (relative URL, title) of its page.

    >>> run = UnitRun("tensors", "page", 1.5, 400.0, (("python", "3.11.7"),))
    >>> html = report_html([run], {"tensors": ("tensors.html", "Tensors <3")})
    >>> print(html.splitlines()[0])
    <p>Executed with Python 3.11.7.</p>
    >>> "Tensors &lt;3</a>" in html
    True
    """
    esc = html.escape
    version_sets = sorted({run.versions for run in runs if run.versions})
    lines = [
        f"<p>Executed with {esc(_versions_text(versions))}.</p>"
        for versions in version_sets
    ]
    total = sum(run.seconds for run in runs)
    lines += [
        '<table class="table tfdocs-report">',
        (
            "<caption>Execution time and peak memory of every page and example, "
            "as measured by this build</caption>"
        ),
        (
            '<thead><tr><th scope="col">Page or example</th><th scope="col">Kind</th>'
            '<th scope="col">Seconds</th><th scope="col">Peak memory (MB)</th></tr></thead>'
        ),
        "<tbody>",
    ]
    for run in runs:
        url, title = links.get(run.docname, ("", run.docname))
        lines.append(
            f'<tr><td><a href="{esc(url, quote=True)}">{esc(title)}</a></td>'
            f"<td>{esc(run.kind)}</td>"
            f'<td><span class="{MEASUREMENT}">{run.seconds:.1f}</span></td>'
            f'<td><span class="{MEASUREMENT}">{run.peak_mb:.0f}</span></td></tr>'
        )
    lines += [
        "</tbody>",
        (
            f'<tfoot><tr><th scope="row">Total</th><td>{len(runs)} runs</td>'
            f'<td><span class="{MEASUREMENT}">{total:.1f}</span></td><td></td></tr></tfoot>'
        ),
        "</table>",
        bar_chart_svg(
            runs, titles={docname: title for docname, (_, title) in links.items()}
        ),
    ]
    return "\n".join(lines)


def bar_chart_svg(
    runs: list[UnitRun],
    *,
    width: int = 640,
    bar: int = 14,
    titles: Mapping[str, str] | None = None,
) -> str:
    """A horizontal bar chart of the runs' seconds as self-contained, escaped SVG.

    Written by hand (a few rectangles) so the Sphinx process needs no plotting
    library and the chart follows the theme's colours in light and dark mode.
    Each bar is labelled with the page's title from ``titles`` (its docname
    otherwise), shortened to fit. Labels start at the left edge, so none can
    run off it, and the bars start after a generous estimate of the longest
    label's width. A legend names the two colours.
    On a narrow screen the chart keeps a readable size and scrolls sideways.

    >>> svg = bar_chart_svg([UnitRun("a", "page", 2.0, 1.0, ())])
    >>> svg.count("<rect"), "a</text>" in svg
    (3, True)
    >>> long = UnitRun("auto_examples/x/plot_y", "example", 1.0, 1.0, ())
    >>> "A rather long title that the chart…</text>" in bar_chart_svg(
    ...     [long], titles={long.docname: "A rather long title that the chart cuts"}
    ... )
    True
    """
    esc = html.escape
    titles = titles or {}
    labels = [_shorten(titles.get(run.docname, run.docname)) for run in runs]
    label_width = max((_text_px(label) for label in labels), default=0) + 8
    gap, top = 4, 22  # the legend's row above the bars
    longest = max((run.seconds for run in runs), default=0.0) or 1.0
    height = top + len(runs) * (bar + gap) + gap
    rows = []
    x = label_width
    for kind, name in (("page", "page"), ("example", "gallery example")):
        rows.append(
            f'<rect class="tfdocs-bar-{kind}" x="{x}" y="5" width="10" height="10"/>'
            f'<text x="{x + 14}" y="14">{name}</text>'
        )
        x += 24 + _text_px(name)
    rows.append(f'<text x="{width - 4}" y="14" text-anchor="end">seconds</text>')
    for i, (run, label) in enumerate(zip(runs, labels, strict=True)):
        y = top + gap + i * (bar + gap)
        length = (width - label_width - 60) * run.seconds / longest
        rows.append(
            f'<text x="0" y="{y + bar - 3}">{esc(label)}</text>'
            f'<rect class="tfdocs-bar-{esc(run.kind, quote=True)}" x="{label_width}" '
            f'y="{y}" width="{length:.1f}" height="{bar}"/>'
            f'<text x="{label_width + length + 4:.1f}" y="{y + bar - 3}">'
            f"{run.seconds:.1f} s</text>"
        )
    return (
        '<div style="overflow-x:auto">'
        f'<svg class="{MEASUREMENT} tfdocs-chart" role="img" '
        f'aria-label="Execution time of each page and example, in seconds" '
        f'viewBox="0 0 {width} {height}" width="100%" '
        f'style="min-width:{width * 4 // 5}px" xmlns="http://www.w3.org/2000/svg">'
        f"<title>Execution time of each page and example</title>{''.join(rows)}"
        "</svg></div>"
    )


#: Longest bar label, in characters; longer titles end in an ellipsis.
_LABEL_CHARS = 36


def _shorten(label: str) -> str:
    """Cut ``label`` to :data:`_LABEL_CHARS` characters, with an ellipsis.

    >>> _shorten("Tensors"), _shorten("x" * 40)[-3:]
    ('Tensors', 'xx…')
    """
    if len(label) <= _LABEL_CHARS:
        return label
    return label[: _LABEL_CHARS - 1].rstrip() + "\u2026"


def _text_px(text: str) -> int:
    """A generous width of ``text`` at the chart's 11 px sans-serif font.

    Wide letters (capitals, m, w) count more than narrow ones (i, l, t, ...),
    so that a label never runs past the left edge.
    """
    narrow, wide = set("fijlrt.,:;'!|() "), set("mwMW")
    widths = (
        4.0 if c in narrow else 11.0 if c in wide else 8.0 if c.isupper() else 7.0
        for c in text
    )
    return round(sum(widths))


def add_static(app: Sphinx) -> None:
    app.config.html_static_path.append(str(_STATIC))
    app.add_css_file("tfdocs-report.css")


def purge_report(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _report_docs(env).discard(docname)


def merge_reports(
    app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment
) -> None:
    _report_docs(env).update(_report_docs(other) & docnames)


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directive, the banner and the report's hooks."""
    app.setup_extension("tfdocs_executor")
    app.add_node(execution_report)
    app.add_directive("execution-report", ExecutionReport)
    app.connect("builder-inited", add_static)
    app.connect("doctree-read", add_banner)
    app.connect("env-get-outdated", always_reread_reports)
    app.connect("doctree-resolved", fill_report)
    app.connect("env-purge-doc", purge_report)
    app.connect("env-merge-info", merge_reports)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
