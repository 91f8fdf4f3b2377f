"""Small layered graph diagrams drawn as self-contained, deterministic SVG.

:func:`render_diagram` lays out a directed acyclic graph in layers (longest
path layers, dummy points on long edges, barycentre ordering, least-squares
placement) and draws it as inline SVG that reads on light and dark pages.
:class:`Diagram` holds the nodes, the edges and the SVG, and shows itself in
notebooks and on the documentation site.

Why our own layout: Graphviz/pydot need a system binary, grandalf is unmaintained.
"""

from __future__ import annotations

import hashlib
import html
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple
from xml.sax.saxutils import escape

if TYPE_CHECKING:
    import os

__all__ = ["Diagram", "Edge", "Node", "render_diagram"]

_FONT = "ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', monospace"
_GREY = "#8a8f98"  # edges: mid grey reads on white and on near-black pages
# kind -> (fill, stroke, tag written in the box, pill shape); text stays dark
_STYLES = {
    "input": ("#dbeafe", "#1d4ed8", "Input", True),
    "output": ("#dcfce7", "#15803d", "Output", True),
    "variable": ("#fef3c7", "#b45309", "Variable", False),
    "model": ("#ede9fe", "#6d28d9", "Model", False),
}
_PLAIN = ("#f8fafc", "#475569", "", False)
_PAD, _TAG_H, _TITLE_H, _LINE_H = 10.0, 14.0, 18.0, 15.0
_GAP, _DUMMY, _LAYER_GAP, _MARGIN = 28.0, 10.0, 64.0, 16.0
Point = tuple[float, float]
Style = dict[str, str | float]
Pair = tuple[str, str]
_SVG_NS = "http://www.w3.org/2000/svg"


class Node(NamedTuple):
    """One box: a unique ``id``, a ``title``, ``subtitle`` lines and a ``kind``.

    Examples
    --------
    >>> Node("x", "Placeholder", ("x",), "input").kind
    'input'
    """

    id: str
    title: str
    subtitle: tuple[str, ...] = ()
    kind: str = "op"


class Edge(NamedTuple):
    """One arrow from node ``src`` to node ``dst`` with a short ``label``.

    Examples
    --------
    >>> Edge("x", "y", "float32 (2,)").label
    'float32 (2,)'
    """

    src: str
    dst: str
    label: str = ""


@dataclass(frozen=True)
class Diagram:
    """A drawn graph: its ``nodes``, ``edges``, accessible ``title`` and ``svg``.

    Examples
    --------
    >>> d = render_diagram([Node("a", "A"), Node("b", "B")], [Edge("a", "b")])
    >>> d
    <Diagram: 2 nodes, 1 edges>
    >>> d._repr_svg_() == d.svg and d.svg.startswith("<svg")
    True
    """

    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    svg: str
    title: str = "Diagram"

    def __repr__(self) -> str:
        """Summarise as ``<Diagram: 5 nodes, 4 edges>``."""
        return f"<Diagram: {len(self.nodes)} nodes, {len(self.edges)} edges>"

    def _repr_svg_(self) -> str:
        return self.svg

    def _repr_html_(self) -> str:
        label = f"{self.title}: {len(self.nodes)} nodes, {len(self.edges)} edges"
        return (
            f'<div role="img" aria-label="{html.escape(label, quote=True)}" '
            f'style="max-width:100%; overflow-x:auto">{self.svg}</div>'
        )

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the SVG to ``path`` as UTF-8 and return the path.

        Examples
        --------
        >>> import tempfile
        >>> d = render_diagram([Node("a", "A")], [])
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     d.save(Path(tmp) / "a.svg").read_text().startswith("<svg")
        True
        """
        target = Path(path)
        target.write_text(self.svg, encoding="utf-8")
        return target


def _num(value: float) -> str:
    text = f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


def _el(tag: str, body: str = "", /, **attrs: str | float) -> str:
    """One SVG element; ``font_size`` becomes ``font-size``, ``cls`` ``class``."""
    pairs = " ".join(
        f'{"class" if k == "cls" else k.replace("_", "-")}="'
        f'{escape(v, {chr(34): "&quot;"}) if isinstance(v, str) else _num(v)}"'
        for k, v in attrs.items()
    )
    return f"<{tag} {pairs}>{body}</{tag}>" if body else f"<{tag} {pairs}/>"


def _box_size(node: Node) -> Point:
    _, _, tag, pill = _STYLES.get(node.kind, _PLAIN)
    widths = [
        len(node.title) * 7.8,
        len(tag) * 6.0,
        *(len(s) * 6.6 for s in node.subtitle),
    ]
    height = 2 * _PAD + _TITLE_H + _LINE_H * len(node.subtitle) + _TAG_H * bool(tag)
    return max(72.0, max(widths) + _PAD * (3.6 if pill else 2.0)), height


def _layering(nodes: list[Node], pairs: list[Pair]) -> dict[str, int]:
    """Longest path from a source (Kahn order); what no input feeds sinks.

    Nodes that no ``"input"`` node reaches (constants, variables and the ops
    that only read them) move down to just above their first consumer.
    """
    succ: dict[str, list[str]] = defaultdict(list)
    indeg = dict.fromkeys((n.id for n in nodes), 0)
    for src, dst in pairs:
        succ[src].append(dst)
        indeg[dst] += 1
    queue = [n.id for n in nodes if indeg[n.id] == 0]
    layer = dict.fromkeys(indeg, 0)
    for current in queue:  # grows while we walk it: a FIFO queue
        for dst in succ[current]:
            layer[dst] = max(layer[dst], layer[current] + 1)
            indeg[dst] -= 1
            if indeg[dst] == 0:
                queue.append(dst)
    if len(queue) < len(nodes):
        stuck = ", ".join(n.id for n in nodes if indeg[n.id] > 0)
        msg = f"render_diagram() needs an acyclic graph; cycle through: {stuck}"
        raise ValueError(msg)
    fed = {n.id for n in nodes if n.kind == "input"}
    for v in queue:  # topological order: reach everything the inputs feed
        fed.update(succ[v] if v in fed else ())
    for v in reversed(queue):
        if v not in fed and succ[v]:
            layer[v] = min(layer[d] for d in succ[v]) - 1
    used = sorted(set(layer.values()))
    return {v: used.index(r) for v, r in layer.items()}


def _isotonic(want: list[float], seps: list[float]) -> list[float]:
    """Least-squares positions near ``want`` with x[i+1] - x[i] >= seps[i]."""
    offs = [0.0]
    for s in seps:
        offs.append(offs[-1] + s)
    blocks: list[list[float]] = []  # pool adjacent violators: [sum, count]
    for w, o in zip(want, offs, strict=True):
        blocks.append([w - o, 1.0])
        while (
            len(blocks) > 1
            and blocks[-2][0] * blocks[-1][1] > blocks[-1][0] * blocks[-2][1]
        ):
            total, count = blocks.pop()
            blocks[-1][0] += total
            blocks[-1][1] += count
    flat = [total / count for total, count in blocks for _ in range(int(count))]
    return [y + o for y, o in zip(flat, offs, strict=True)]


class _Layout:
    """Layers, order and coordinates; ``o`` runs along a layer, ``r`` across."""

    def __init__(
        self,
        nodes: list[Node],
        pairs: list[Pair],
        vertical: bool,
        gaps: dict[int, float],
    ) -> None:
        self.vertical = vertical
        self.size = {n.id: _box_size(n) for n in nodes}
        self.rank = _layering(nodes, pairs)
        self.rows: list[list[str]] = [
            [] for _ in range(max(self.rank.values(), default=-1) + 1)
        ]
        for n in nodes:
            self.rows[self.rank[n.id]].append(n.id)
        self.up: dict[str, list[str]] = defaultdict(list)
        self.down: dict[str, list[str]] = defaultdict(list)
        self.chains: dict[Pair, list[str]] = {}
        for src, dst in pairs:  # long edges pass through one dummy per layer
            chain = [
                f"\0{src}\0{dst}\0{r}"
                for r in range(self.rank[src] + 1, self.rank[dst])
            ]
            for r, dummy in enumerate(chain, start=self.rank[src] + 1):
                self.rows[r].append(dummy)
                self.rank[dummy] = r
            self.chains[src, dst] = chain
            for a, b in pairwise([src, *chain, dst]):
                self.down[a].append(b)
                self.up[b].append(a)
        self._order()
        self.pos: dict[str, float] = {}
        self._place()
        self.thick = [
            max((self.across(v) for v in row), default=0.0) for row in self.rows
        ]
        self.tops = [_MARGIN]
        for i, t in enumerate(self.thick):
            self.tops.append(self.tops[-1] + t + gaps.get(i, _LAYER_GAP))
        self.extent = (
            max((self.pos[v] + self.along(v) / 2 for v in self.pos), default=0.0)
            + _MARGIN,
            self.tops[-1] - gaps.get(len(self.thick) - 1, _LAYER_GAP) + _MARGIN,
        )

    def along(self, v: str) -> float:
        w, h = self.size.get(v, (_DUMMY, 0.0))
        return w if self.vertical else h

    def across(self, v: str) -> float:
        w, h = self.size.get(v, (0.0, 0.0))
        return h if self.vertical else w

    def crossings(self) -> int:
        total = 0
        for upper, lower in pairwise(self.rows):
            at = {v: i for i, v in enumerate(lower)}
            seg = [(i, at[d]) for i, v in enumerate(upper) for d in self.down[v]]
            total += sum(
                (a - c) * (b - d) < 0
                for k, (a, b) in enumerate(seg)
                for c, d in seg[k + 1 :]
            )
        return total

    def _order(self) -> None:
        """Barycentre sweeps down and up; keep the order with fewest crossings."""
        best, fewest = [r[:] for r in self.rows], self.crossings()
        for sweep in range(8):
            down = sweep % 2 == 0
            for i in (
                range(1, len(self.rows)) if down else range(len(self.rows) - 2, -1, -1)
            ):
                at = {v: k for k, v in enumerate(self.rows[i - 1 if down else i + 1])}
                nbrs = self.up if down else self.down
                keys = {}
                for k, v in enumerate(self.rows[i]):
                    near = [at[u] for u in nbrs[v]]
                    keys[v] = (sum(near) / len(near) if near else float(k), k)
                self.rows[i].sort(key=keys.__getitem__)
            if (cross := self.crossings()) < fewest:
                best, fewest = [r[:] for r in self.rows], cross
        self.rows = best

    def _place(self) -> None:
        """Move nodes towards the mean of their neighbours, keeping the order."""

        def seps(row: list[str]) -> list[float]:
            return [
                (self.along(a) + self.along(b)) / 2 + (8.0 if "\0" in a + b else _GAP)
                for a, b in pairwise(row)
            ]

        for row in self.rows:
            self.pos.update(
                zip(row, _isotonic([0.0] * len(row), seps(row)), strict=True)
            )
        both = {v: self.up[v] + self.down[v] for v in self.pos}
        passes = [
            (range(1, len(self.rows)), self.up),
            (range(len(self.rows) - 2, -1, -1), self.down),
        ]
        for seq, nbrs in [*passes * 4, (range(len(self.rows)), both)]:
            for i in seq:
                want = [
                    sum(self.pos[u] for u in nbrs[v]) / len(nbrs[v])
                    if nbrs[v]
                    else self.pos[v]
                    for v in self.rows[i]
                ]
                self.pos.update(
                    zip(self.rows[i], _isotonic(want, seps(self.rows[i])), strict=True)
                )
        shift = _MARGIN - min(
            (p - self.along(v) / 2 for v, p in self.pos.items()), default=0.0
        )
        self.pos = {v: p + shift for v, p in self.pos.items()}

    def mid(self, v: str) -> float:
        return self.tops[self.rank[v]] + self.thick[self.rank[v]] / 2

    def routes(self) -> dict[Pair, list[Point]]:
        """Points (o, r) of each edge; ports spread along the box sides."""
        ends: dict[Pair, list[tuple[float, Pair]]] = defaultdict(list)
        for (src, dst), chain in self.chains.items():
            ends["out", src].append((self.pos[[*chain, dst][0]], (src, dst)))
            ends["in", dst].append((self.pos[[src, *chain][-1]], (src, dst)))
        port: dict[tuple[str, Pair], float] = {}
        for (side, v), items in ends.items():
            items.sort()
            step = min(18.0, self.along(v) * 0.6 / max(len(items) - 1, 1))
            for i, (_, pair) in enumerate(items):
                port[side, pair] = self.pos[v] + (i - (len(items) - 1) / 2) * step
        routes = {}
        for (src, dst), chain in self.chains.items():
            pts = [(port["out", (src, dst)], self.mid(src) + self.across(src) / 2)]
            for d in chain:
                top = self.tops[self.rank[d]]
                pts += [
                    (self.pos[d], top),
                    (self.pos[d], top + self.thick[self.rank[d]]),
                ]
            routes[src, dst] = [
                *pts,
                (port["in", (src, dst)], self.mid(dst) - self.across(dst) / 2),
            ]
        return routes


def _bezier(a: Point, b: Point, t: float) -> Point:
    """Point at ``t`` on the curve from ``a`` to ``b`` drawn by :func:`_path`."""
    along = 3 * t * t - 2 * t**3  # both control points sit half-way across
    across = 1.5 * t - 1.5 * t * t + t**3
    return (a[0] + (b[0] - a[0]) * along, a[1] + (b[1] - a[1]) * across)


def _path(points: list[Point], xy: bool) -> str:
    """Curves across layer gaps, straight lines through the dummy points."""

    def pt(p: Point) -> str:
        x, y = p if xy else (p[1], p[0])
        return f"{_num(x)},{_num(y)}"

    parts = [f"M{pt(points[0])}"]
    for i, (a, b) in enumerate(pairwise(points)):
        half = (b[1] - a[1]) / 2
        curve = f"C{pt((a[0], a[1] + half))} {pt((b[0], b[1] - half))} "
        parts.append(("L" if i % 2 else curve) + pt(b))
    return " ".join(parts)


_LABEL_BOX: Style = {"rx": 3.0, "fill": "#f1f5f9", "stroke": _GREY, "stroke_width": 0.5}
_LABEL_TEXT: Style = {"font_size": 10.0, "fill": "#334155"}
_EDGE: Style = {"fill": "none", "stroke": _GREY, "stroke_width": 1.6}
_TAG_TEXT: Style = {
    "font_size": 10.0,
    "font_weight": "bold",
}  # coloured like the border
_TITLE_TEXT: Style = {"font_size": 13.0, "font_weight": "bold", "fill": "#0f172a"}
_LINE_TEXT: Style = {"font_size": 11.0, "fill": "#334155"}
_MARKER = (
    '<defs><marker id="{}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
    f'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{_GREY}"/>'
    "</marker></defs>"
)


def _rect(cx: float, cy: float, w: float, h: float, **style: str | float) -> str:
    return _el("rect", x=cx - w / 2, y=cy - h / 2, width=w, height=h, **style)


def _text(x: float, y: float, text: str, **style: str | float) -> str:
    return _el("text", escape(text), x=x, y=y, text_anchor="middle", **style)


def _free(spot: Point, w: float, h: float, placed: list[tuple[float, ...]]) -> bool:
    return all(
        abs(spot[0] - x) * 2 >= w + pw or abs(spot[1] - y) * 2 >= h + ph
        for x, y, pw, ph in placed
    )


def _labels(edges: list[Edge], routes: dict[Pair, list[Point]], xy: bool) -> list[str]:
    """Edge labels on light pills, once per (source, label), avoiding overlaps."""
    groups: dict[Pair, list[Pair]] = defaultdict(list)
    for e in edges:
        if e.label:
            groups[e.src, e.label].append((e.src, e.dst))
    texts: dict[Pair, list[str]] = defaultdict(list)
    for (_, label), pairs in groups.items():  # a tensor feeding many ops: once
        pairs.sort(key=lambda p: routes[p][0][0])
        texts[pairs[(len(pairs) - 1) // 2]].append(label)
    placed: list[tuple[float, ...]] = []
    out = []
    for (src, dst), labels in texts.items():
        text = "; ".join(labels)
        w, h = len(text) * 6.0 + 8, 14.0
        a, b = routes[src, dst][:2]
        room = (h if xy else w) / 2 + 2  # stay inside the gap between layers
        spots = [_bezier(a, b, t) for t in (0.5, 0.3, 0.7, 0.2, 0.8, 0.4, 0.6)]
        spots = [s for s in spots if a[1] + room <= s[1] <= b[1] - room] or spots[:1]
        spots = [s if xy else (s[1], s[0]) for s in spots]
        x, y = next((s for s in spots if _free(s, w, h, placed)), spots[0])
        placed.append((x, y, w, h))
        body = _rect(x, y, w, h, **_LABEL_BOX) + _text(x, y + 3.5, text, **_LABEL_TEXT)
        out.append(_el("g", body, cls="edge-label", data_id=f"{src}->{dst}"))
    return out


def _node_svg(node: Node, cx: float, cy: float, w: float, h: float) -> str:
    fill, stroke, tag, pill = _STYLES.get(node.kind, _PLAIN)
    rx, width = (14.0, 1.8) if pill else (4.0, 1.2)
    parts = [_rect(cx, cy, w, h, rx=rx, fill=fill, stroke=stroke, stroke_width=width)]
    tag_style: Style = {**_TAG_TEXT, "fill": stroke}
    rows = [(tag, _TAG_H, tag_style)] if tag else []
    rows.append((node.title, _TITLE_H, _TITLE_TEXT))
    rows += [(line, _LINE_H, _LINE_TEXT) for line in node.subtitle]
    top = cy - h / 2 + _PAD
    for text, height, style in rows:
        size = float(style["font_size"])
        parts.append(_text(cx, top + (height + size) / 2 - 1.5, text, **style))
        top += height
    return _el("g", "".join(parts), cls="node", data_id=node.id, data_kind=node.kind)


def _check(nodes: list[Node], edges: list[Edge], direction: str) -> None:
    if direction not in ("TB", "LR"):
        msg = f"render_diagram(direction=...) expects 'TB' or 'LR'; got {direction!r}"
        raise ValueError(msg)
    ids = [n.id for n in nodes]
    if repeated := sorted({i for i in ids if ids.count(i) > 1}):
        msg = f"render_diagram() got repeated node ids: {repeated}"
        raise ValueError(msg)
    if unknown := sorted({v for e in edges for v in e[:2]} - set(ids)):
        msg = f"render_diagram() got edges between unknown node ids: {unknown}"
        raise ValueError(msg)


def render_diagram(
    nodes: Iterable[Node | tuple[str, str, tuple[str, ...], str]],
    edges: Iterable[Edge | tuple[str, str, str]],
    *,
    title: str | None = None,
    direction: str = "TB",
    dashed: Iterable[Pair] = (),
) -> Diagram:
    """Lay out a directed acyclic graph in layers and draw it as SVG.

    Parameters
    ----------
    nodes : iterable of Node
        Boxes; their order breaks ties in the layout. Kinds ``"input"``,
        ``"output"``, ``"variable"`` and ``"model"`` get their own colours and
        a tag written in the box; others (``"op"``, ``"layer"``) are plain.
    edges : iterable of Edge
        ``(src, dst, label)`` arrows between node ids; repeats are dropped.
    title : str, optional
        Accessible title of the picture; ``"Diagram"`` by default.
    direction : {"TB", "LR"}
        Top to bottom or left to right.
    dashed : iterable of (str, str)
        ``(src, dst)`` pairs drawn dashed, such as control dependencies.

    Returns
    -------
    Diagram
        Same input, byte-identical SVG.

    Raises
    ------
    ValueError
        For a repeated node id, an edge to an unknown id, a cycle or a bad
        ``direction``.

    Examples
    --------
    >>> d = render_diagram(
    ...     [Node("x", "x", kind="input"), Node("y", "Relu", ("y",), "output")],
    ...     [Edge("x", "y", "float32 (2,)")],
    ...     title="relu",
    ... )
    >>> d.svg.count('class="node"'), d.edges[0].label
    (2, 'float32 (2,)')
    """
    node_list = [Node(*n) for n in nodes]
    edge_list = list(dict.fromkeys(Edge(*e) for e in edges))
    _check(node_list, edge_list, direction)
    title = "Diagram" if title is None else title
    xy = direction == "TB"
    pairs = list(dict.fromkeys((e.src, e.dst) for e in edge_list))
    gaps: dict[int, float] = defaultdict(lambda: _LAYER_GAP)
    if not xy:  # left to right: each gap between layers must hold its labels
        rank = _layering(node_list, pairs)
        for e in edge_list:
            gaps[rank[e.src]] = max(gaps[rank[e.src]], len(e.label) * 6.0 + 48)
    layout = _Layout(node_list, pairs, xy, gaps)
    routes = layout.routes()
    digest = hashlib.sha256(repr((title, direction, node_list, edge_list)).encode())
    marker = f"tfd-arrow-{digest.hexdigest()[:12]}"  # unique per picture, no counter
    dash = set(dashed)
    width, height = (max(80.0, s) for s in layout.extent[:: 1 if xy else -1])
    body = [_el("title", escape(title)), _MARKER.format(marker)]
    for src, dst in pairs:
        style: Style = {"stroke_dasharray": "5 4"} if (src, dst) in dash else {}
        d = _path(routes[src, dst], xy)
        path = _el("path", d=d, marker_end=f"url(#{marker})", **_EDGE, **style)
        body.append(_el("g", path, cls="edge", data_id=f"{src}->{dst}"))
    for n in node_list:
        o, r = layout.pos[n.id], layout.mid(n.id)
        body.append(_node_svg(n, *((o, r) if xy else (r, o)), *layout.size[n.id]))
    body += _labels(edge_list, routes, xy)
    box: Style = {
        "width": width,
        "height": height,
        "viewBox": f"0 0 {_num(width)} {_num(height)}",
        # Wider than its column (a phone, a narrow page): scale down, whole.
        "style": "max-width:100%;height:auto",
    }
    svg = _el(
        "svg", "\n".join(["", *body, ""]), xmlns=_SVG_NS, **box, font_family=_FONT
    )
    return Diagram(tuple(node_list), tuple(edge_list), svg, title)
