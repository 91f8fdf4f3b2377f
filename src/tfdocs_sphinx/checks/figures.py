"""Fail the build when a figure's text lies outside the image that is saved.

A title, axis label, tick label, legend or annotation that runs past the edge
of a figure is cut off in the saved image, and nothing else in the build
notices: the page still shows a figure. :func:`clipped_texts` measures every
text a figure draws against the area that is saved, and the build checks every
figure it produces with it, in the two places figures are saved:

* **Gallery examples.** sphinx-gallery saves each figure with its Matplotlib
  scraper at the figure's own size, which is also what a reader sees when
  running the script. :func:`gallery_scraper` wraps that scraper: it lets the
  scraper save each figure, measures the texts that saving drew, and then
  fails the example with :class:`ClippedTextError`, naming the figure and the
  text. sphinx-gallery
  reports the failing example by name, and runs it again in the next build.
* **Notebook pages.** Their kernels show figures through the inline backend,
  which saves with ``bbox_inches="tight"``: the image grows to hold every text
  that takes part in the layout, so only text left out of it
  (``set_in_layout(False)``) or a changed ``InlineBackend.print_figure_kwargs``
  can fall outside. The ``tfdocs`` kernel loads this module as an IPython
  extension (:func:`load_ipython_extension`), which measures every figure the
  inline backend saves, from the texts that saving drew, and writes one line
  per clipped text to the cell's stderr; :func:`check_page` turns those lines into warnings with the page and
  line, and such a page is read again in the next build until it is fixed.

Both measure the texts that ``savefig`` itself drew (:func:`recording_drawn_texts`)
rather than drawing each figure once more: a draw costs about as much as the
save, and the site saves dozens of figures per build. The module imports
neither Sphinx nor Matplotlib at the top, so a kernel loads it in no time.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docutils import nodes
    from matplotlib.figure import Figure
    from matplotlib.text import Text
    from matplotlib.transforms import BboxBase
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

__all__ = [
    "MARKER",
    "Clipped",
    "ClippedTextError",
    "check_page",
    "clipped_texts",
    "gallery_scraper",
    "load_ipython_extension",
    "recording_drawn_texts",
    "saved_area",
    "summarise",
]

#: How a kernel's report of a clipped text starts, on the cell's stderr.
MARKER = "tfdocs_figures: "
#: Overhang (in pixels) below which a text counts as inside: antialiasing.
TOLERANCE_PX = 1.0
_SIDES = ("left", "bottom", "right", "top")


@dataclass(frozen=True)
class Clipped:
    """A text of a figure that lies (partly) outside the saved image.

    Attributes
    ----------
    role : str
        What the text is: ``"x-axis label"``, ``"title of axes 2"``, ...
    text : str
        The text itself.
    overhang : dict of str to float
        Pixels beyond each edge it crosses (``"left"``, ``"bottom"``,
        ``"right"``, ``"top"``), at the figure's dpi.
    """

    role: str
    text: str
    overhang: dict[str, float]

    def __str__(self) -> str:
        """Say what is cut off, and by how much.

        >>> print(Clipped("x-axis label", "epoch", {"bottom": 9.4}))
        x-axis label 'epoch' is cut off: 9 px beyond the bottom edge
        """
        return f"{self.role} {self.text!r} is cut off: {_beyond(self.overhang)}"


def _beyond(overhang: dict[str, float]) -> str:
    return ", ".join(
        f"{px:.0f} px beyond the {side} edge" for side, px in overhang.items()
    )


def summarise(found: list[Clipped]) -> list[str]:
    """One line per role: the tick labels of an axis cut by one edge make one line.

    >>> summarise([Clipped("x tick label", str(n), {"bottom": 2 + n}) for n in range(5)])
    ["x tick label '0', '1', '2' and 2 more are cut off: up to 6 px beyond the bottom edge"]
    """
    groups: dict[str, list[Clipped]] = {}
    for clipped in found:
        groups.setdefault(clipped.role, []).append(clipped)
    lines = []
    for role, group in groups.items():
        if len(group) == 1:
            lines.append(str(group[0]))
            continue
        worst: dict[str, float] = {}
        for clipped in group:
            for side, px in clipped.overhang.items():
                worst[side] = max(worst.get(side, 0.0), px)
        texts = ", ".join(repr(clipped.text) for clipped in group[:3])
        more = f" and {len(group) - 3} more" if len(group) > 3 else ""
        lines.append(f"{role} {texts}{more} are cut off: up to {_beyond(worst)}")
    return lines


class ClippedTextError(Exception):
    """A gallery figure has text outside its saved image."""


def saved_area(
    fig: Figure, *, bbox_inches: Any = None, pad_inches: Any = None
) -> BboxBase:
    """Return the part of ``fig`` that ``savefig`` writes, in display pixels.

    Mirrors :meth:`~matplotlib.figure.Figure.savefig`: the whole figure by
    default (``rcParams["savefig.bbox"]``), the tight box around every artist
    in the layout plus ``pad_inches`` for ``"tight"``, or a box in inches. The
    figure must have been drawn (its layout done) before.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> fig = Figure(figsize=(2, 1), dpi=100)
    >>> saved_area(fig).size.tolist()
    [200.0, 100.0]
    """
    import matplotlib as mpl
    from matplotlib.transforms import Bbox, TransformedBbox

    if bbox_inches is None:
        bbox_inches = mpl.rcParams["savefig.bbox"]
    if bbox_inches is None or bbox_inches == "standard":
        return fig.bbox
    if isinstance(bbox_inches, str):  # "tight"
        bbox_inches = fig.get_tightbbox()
        if pad_inches is None:
            pad_inches = mpl.rcParams["savefig.pad_inches"]
        engine = fig.get_layout_engine()
        if pad_inches == "layout" and engine is not None and "h_pad" in engine.get():
            w_pad, h_pad = engine.get()["w_pad"], engine.get()["h_pad"]
        else:
            if pad_inches == "layout":
                pad_inches = 0.0
            w_pad = h_pad = float(pad_inches)
        bbox_inches = bbox_inches.padded(w_pad, h_pad)
    return Bbox(TransformedBbox(bbox_inches, fig.dpi_scale_trans).get_points())


@contextlib.contextmanager
def recording_drawn_texts() -> Iterator[list[Text]]:
    """Collect every visible Text with a text that is drawn while the block runs.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> fig = Figure()
    >>> _ = fig.subplots().set_title("loss")
    >>> with recording_drawn_texts() as drawn:
    ...     fig.draw_without_rendering()
    >>> [text.get_text() for text in drawn if text.get_text() == "loss"]
    ['loss']
    """
    from matplotlib.text import Text

    drawn: list[Text] = []
    draw = Text.draw

    def recording_draw(self: Text, renderer: Any) -> None:
        if self.get_visible() and self.get_text():
            drawn.append(self)
        draw(self, renderer)

    Text.draw = recording_draw  # type: ignore[method-assign,assignment]
    try:
        yield drawn
    finally:
        Text.draw = draw  # type: ignore[method-assign]


def _roles(fig: Figure) -> dict[int, str]:
    """Name the texts of a figure that have a role: titles, labels, ticks, legends."""
    roles: dict[int, str] = {}

    def legend_roles(legend: Any, where: str) -> None:
        if legend is None:
            return
        for text in legend.get_texts():
            roles[id(text)] = f"legend entry{where}"
        roles[id(legend.get_title())] = f"legend title{where}"

    for name in ("_suptitle", "_supxlabel", "_supylabel"):
        text = getattr(fig, name, None)
        if text is not None:
            roles[id(text)] = {"_suptitle": "figure title"}.get(name, "figure label")
    for legend in fig.legends:
        legend_roles(legend, " of the figure")
    for number, ax in enumerate(fig.axes, start=1):
        where = f" of axes {number}" if len(fig.axes) > 1 else ""
        titles = [getattr(ax, name, None) for name in ("_left_title", "_right_title")]
        for title in (ax.title, *titles):
            roles[id(title)] = f"title{where}"
        for letter, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
            roles[id(axis.label)] = f"{letter}-axis label{where}"
            roles[id(axis.get_offset_text())] = f"{letter}-axis offset text{where}"
            for tick in [*axis.get_major_ticks(), *axis.get_minor_ticks()]:
                roles[id(tick.label1)] = roles[id(tick.label2)] = (
                    f"{letter} tick label{where}"
                )
        legend_roles(ax.get_legend(), where)
    return roles


def clipped_texts(
    fig: Figure,
    *,
    bbox_inches: Any = None,
    pad_inches: Any = None,
    tolerance: float = TOLERANCE_PX,
    drawn: Iterable[Text] | None = None,
) -> list[Clipped]:
    """Every text ``fig`` draws that lies outside its saved image.

    The figure is drawn without rendering (which also runs its layout
    engine), each text that was drawn (titles, axis and tick labels, legends,
    annotations, free text) is measured, and its box is compared with
    :func:`saved_area` for the same ``bbox_inches`` and ``pad_inches`` that
    ``savefig`` is given. Given ``drawn``, the texts a ``savefig`` of the
    figure just drew (:func:`recording_drawn_texts`), it measures those
    instead of drawing the figure again; texts of other figures are ignored.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure about to be saved.
    bbox_inches, pad_inches : optional
        As for :meth:`~matplotlib.figure.Figure.savefig`.
    tolerance : float
        Pixels a text may overhang without counting as clipped.

    Returns
    -------
    list of Clipped
        One entry per clipped text, in drawing order; empty when all fit.

    Examples
    --------
    A small figure without a layout engine cuts its x-axis label; the
    constrained layout makes room for it:

    >>> from matplotlib.figure import Figure
    >>> fig = Figure(figsize=(3, 2.5))
    >>> fig.subplots().set_xlabel("epoch")
    Text(...)
    >>> [str(clipped) for clipped in clipped_texts(fig)]
    ["x-axis label 'epoch' is cut off: ... px beyond the bottom edge"]
    >>> fig.set_layout_engine("constrained")
    >>> clipped_texts(fig)
    []

    Saved with ``bbox_inches="tight"``, as the inline backend does, the
    image grows to hold the label instead:

    >>> fig = Figure(figsize=(3, 2.5))
    >>> fig.subplots().set_xlabel("epoch")
    Text(...)
    >>> clipped_texts(fig, bbox_inches="tight")
    []
    """
    if drawn is None:
        with recording_drawn_texts() as own_draw:
            fig.draw_without_rendering()
        drawn = own_draw
    area = saved_area(fig, bbox_inches=bbox_inches, pad_inches=pad_inches)
    roles = _roles(fig)
    clipped = []
    # A text drawn twice (savefig's layout pass, then its render) counts once.
    for text in dict.fromkeys(drawn):
        if text.get_figure(root=True) is not fig:
            continue
        box = text.get_window_extent()
        overhang = {
            "left": area.x0 - box.x0,
            "bottom": area.y0 - box.y0,
            "right": box.x1 - area.x1,
            "top": box.y1 - area.y1,
        }
        beyond = {side: px for side, px in overhang.items() if px > tolerance}
        if beyond:
            role = roles.get(id(text)) or _kind(text, fig)
            clipped.append(Clipped(role, text.get_text(), beyond))
    return clipped


def _kind(text: Text, fig: Figure) -> str:
    """``"annotation"``, ``"text"`` or ``"figure text"``, and which axes it is in."""
    from matplotlib.text import Annotation

    kind = "annotation" if isinstance(text, Annotation) else "text"
    if text.axes is None:
        return f"figure {kind}"
    if len(fig.axes) > 1 and text.axes in fig.axes:
        return f"{kind} of axes {fig.axes.index(text.axes) + 1}"
    return kind


# -- sphinx-gallery -------------------------------------------------------------


def gallery_scraper(
    block: Any, block_vars: dict[str, Any], gallery_conf: dict[str, Any]
) -> str:
    """sphinx-gallery image scraper: the Matplotlib one, after measuring each figure.

    It takes the place of sphinx-gallery's ``"matplotlib"`` scraper
    (:func:`use_gallery_scraper`, so ``conf.py`` never names it). Figures are saved by
    :func:`sphinx_gallery.scrapers.matplotlib_scraper` (which also closes them)
    before :class:`ClippedTextError` is raised, so the example fails cleanly.
    """
    import matplotlib.pyplot as plt
    from sphinx_gallery.scrapers import matplotlib_scraper

    first = len(block_vars["image_path_iterator"]) + 1
    figures = [plt.figure(fignum) for fignum in plt.get_fignums()]
    with recording_drawn_texts() as drawn:
        rst: str = matplotlib_scraper(block, block_vars, gallery_conf)
    problems = [
        f"figure {number}: {line}"
        for number, fig in enumerate(figures, start=first)
        for line in summarise(clipped_texts(fig, drawn=drawn))
    ]
    if problems:
        msg = (
            "text outside the saved image, in the code block at line "
            f"{block.lineno}:\n  " + "\n  ".join(problems) + "\nLay the figure out "
            'with plt.subplots(..., layout="constrained") or fig.tight_layout().'
        )
        raise ClippedTextError(msg)
    return rst


# -- Notebook kernels -------------------------------------------------------------


def load_ipython_extension(ipython: Any) -> None:
    """Measure every figure the kernel's inline backend saves (IPython extension).

    Wraps ``IPython.core.pylabtools.print_figure``, through which the inline
    backend and the ``image/png`` formatter save figures, and writes one line
    starting with :data:`MARKER` to stderr for each clipped text. Loaded by the
    ``tfdocs`` kernelspec with
    ``--IPKernelApp.extensions=tfdocs_sphinx.checks.figures``.
    """
    from IPython.core import pylabtools

    print_figure = pylabtools.print_figure
    if getattr(print_figure, "tfdocs_figures", False):
        return

    def measured_print_figure(
        fig: Figure,
        fmt: str = "png",
        bbox_inches: Any = "tight",
        base64: bool = False,
        **kwargs: Any,
    ) -> Any:
        with recording_drawn_texts() as drawn:
            saved = print_figure(fig, fmt, bbox_inches, base64, **kwargs)  # type: ignore[no-untyped-call]
        if fig.axes or fig.lines:  # print_figure saves nothing otherwise
            try:
                found = summarise(
                    clipped_texts(
                        fig,
                        bbox_inches=bbox_inches,
                        pad_inches=kwargs.get("pad_inches"),
                        drawn=drawn,
                    )
                )
            except Exception as exc:  # noqa: BLE001  (reported, the figure still shows)
                found = [f"the figure could not be measured: {exc!r}"]
            for line in found:
                print(f"{MARKER}{line}", file=sys.stderr)
        return saved

    measured_print_figure.tfdocs_figures = True  # type: ignore[attr-defined]
    pylabtools.print_figure = measured_print_figure


# -- Sphinx ---------------------------------------------------------------------


def check_page(app: Sphinx, doctree: nodes.document) -> None:
    """Warn, with the page and line, for each clipped text a kernel reported."""
    from docutils import nodes
    from sphinx.util import logging

    logger = logging.getLogger(__name__)
    env = app.env
    for cell in doctree.findall(nodes.container):
        if cell.get("nb_element") != "cell_code":
            continue
        for block in cell.findall(nodes.literal_block):
            if "stderr" not in block.get("classes", []):
                continue
            for line in block.astext().splitlines():
                if line.startswith(MARKER):
                    _clipped_pages(env).add(env.docname)
                    logger.warning(
                        "figure text outside the saved image: %s",
                        line.removeprefix(MARKER),
                        location=(env.docname, cell.line),
                        type="tfdocs",
                        subtype="figures",
                    )


def _clipped_pages(env: BuildEnvironment) -> set[str]:
    """Return the pages that showed a clipped figure (kept in the environment)."""
    pages: set[str] | None = getattr(env, "tfdocs_clipped_pages", None)
    if pages is None:
        pages = set()
        setattr(env, "tfdocs_clipped_pages", pages)  # noqa: B010
    return pages


def _reread(
    app: Sphinx,
    env: BuildEnvironment,
    added: set[str],
    changed: set[str],
    removed: set[str],
) -> list[str]:
    """Read again every page that showed a clipped figure, even if unchanged."""
    return sorted(_clipped_pages(env) - removed)


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    """Forget a page's clipped figures before it is read again."""
    _clipped_pages(env).discard(docname)


def _merge(
    app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment
) -> None:
    """Take the clipped pages a parallel reader found."""
    _clipped_pages(env).update(_clipped_pages(other) & docnames)


#: How sphinx-gallery's ``image_scrapers`` names :func:`gallery_scraper`.
SCRAPER = f"{__name__}.gallery_scraper"


def use_gallery_scraper(app: Sphinx, config: Config) -> None:
    """Put :func:`gallery_scraper` in the place of sphinx-gallery's Matplotlib scraper.

    Runs before sphinx-gallery fills in its configuration (priority 10), where
    the scrapers are still named by string.
    """
    conf = config.sphinx_gallery_conf
    scrapers = conf.get("image_scrapers", ("matplotlib",))
    scrapers = [scrapers] if isinstance(scrapers, str) else list(scrapers)
    conf["image_scrapers"] = tuple(
        SCRAPER if scraper == "matplotlib" else scraper for scraper in scrapers
    )


def connect(app: Sphinx) -> None:
    """Check the figures of every page as it is read, and the gallery's as they are saved."""
    app.connect("config-inited", use_gallery_scraper, priority=5)
    app.connect("doctree-read", check_page)
    app.connect("env-get-outdated", _reread)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
