"""Tests for the layered SVG diagrams: structure, layout properties, escaping."""

from __future__ import annotations

import random
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tfdocs_helpers.diagram import Diagram, Edge, Node, render_diagram

NS = {"svg": "http://www.w3.org/2000/svg"}


def parse(diagram: Diagram) -> ET.Element:
    return ET.fromstring(diagram.svg)


def boxes(root: ET.Element) -> dict[str, tuple[float, float, float, float]]:
    """Node id -> (x, y, width, height) of its rectangle."""
    out = {}
    for group in root.iterfind("svg:g[@class='node']", NS):
        rect = group.find("svg:rect", NS)
        assert rect is not None
        out[group.get("data-id", "")] = tuple(
            float(rect.get(k, "nan")) for k in ("x", "y", "width", "height")
        )
    return out


def path_points(root: ET.Element) -> dict[str, list[tuple[float, float]]]:
    """Edge data-id -> every point written in its path (ends and controls)."""
    out = {}
    for group in root.iterfind("svg:g[@class='edge']", NS):
        path = group.find("svg:path", NS)
        assert path is not None
        nums = [float(v) for v in re.findall(r"-?\d+\.\d", path.get("d", ""))]
        out[group.get("data-id", "")] = list(zip(nums[::2], nums[1::2], strict=True))
    return out


def random_dag(seed: int) -> tuple[list[Node], list[Edge]]:
    rng = random.Random(seed)
    n = rng.randint(1, 14)
    kinds = ["input", "op", "op", "layer", "variable", "model", "output"]
    nodes = [
        Node(
            f"n{i}",
            "T" * rng.randint(1, 16),
            tuple("s" * rng.randint(1, 20) for _ in range(rng.randint(0, 3))),
            rng.choice(kinds),
        )
        for i in range(n)
    ]
    edges = [
        Edge(f"n{i}", f"n{j}", rng.choice(["", "float32 (None, 4)", "int32 ()"]))
        for j in range(n)
        for i in range(j)
        if rng.random() < 0.3
    ]
    return nodes, edges


def test_small_diagram_structure() -> None:
    d = render_diagram(
        [
            Node("x", "x", kind="input"),
            Node("m", "MatMul"),
            Node("y", "y", kind="output"),
        ],
        [Edge("x", "m", "float32 (2, 3)"), ("m", "y", "float32 (2, 2)")],
        title="small",
    )
    root = parse(d)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert 'xmlns="http://www.w3.org/2000/svg"' in d.svg
    width, height = float(root.get("width", "0")), float(root.get("height", "0"))
    assert root.get("viewBox") == f"0 0 {width:.1f} {height:.1f}"
    title = root.find("svg:title", NS)
    assert title is not None
    assert title.text == "small"
    assert len(root.findall("svg:g[@class='node']", NS)) == 3
    assert len(root.findall("svg:g[@class='edge']", NS)) == 2
    assert {g.get("data-id") for g in root.iterfind("svg:g[@class='edge']", NS)} == {
        "x->m",
        "m->y",
    }
    texts = {t.text for t in root.iter("{http://www.w3.org/2000/svg}text")}
    assert {"Input", "Output", "MatMul", "float32 (2, 3)", "float32 (2, 2)"} <= texts
    assert d.edges == (
        Edge("x", "m", "float32 (2, 3)"),
        Edge("m", "y", "float32 (2, 2)"),
    )
    assert repr(d) == "<Diagram: 3 nodes, 2 edges>"


def test_self_contained_and_themed() -> None:
    d = render_diagram([Node("a", "A"), Node("b", "B")], [Edge("a", "b", "lbl")])
    for banned in ("<style", "<script", "@import", "href=", 'class="edge-label" style'):
        assert banned not in d.svg
    marker = re.search(r'<marker id="([^"]+)"', d.svg)
    assert marker is not None
    assert f"url(#{marker.group(1)})" in d.svg
    # edge labels sit on their own light rectangle
    label = parse(d).find("svg:g[@class='edge-label']", NS)
    assert label is not None
    rect = label.find("svg:rect", NS)
    assert rect is not None
    assert rect.get("fill") == "#f1f5f9"


@pytest.mark.parametrize("direction", ["TB", "LR"])
def test_same_input_same_bytes(direction: str) -> None:
    nodes, edges = random_dag(3)
    first = render_diagram(nodes, edges, title="t", direction=direction)
    second = render_diagram(list(nodes), list(edges), title="t", direction=direction)
    assert first.svg == second.svg
    assert first == second


def test_marker_ids_differ_between_diagrams() -> None:
    a = render_diagram([Node("a", "A"), Node("b", "B")], [Edge("a", "b")])
    b = render_diagram([Node("a", "A"), Node("c", "C")], [Edge("a", "c")])
    ids = [re.findall(r'<marker id="([^"]+)"', d.svg) for d in (a, b)]
    assert ids[0] != ids[1]


def test_every_text_is_escaped() -> None:
    nasty = "<script>alert('x') & \"y\"</script>"
    d = render_diagram(
        [Node(nasty, nasty, (nasty,), "input"), Node("b&", "b")],
        [Edge(nasty, "b&", nasty)],
        title=nasty,
    )
    assert "<script>" not in d.svg
    root = parse(d)  # parses, so every piece was escaped
    assert [g.get("data-id") for g in root.iterfind("svg:g[@class='node']", NS)] == [
        nasty,
        "b&",
    ]
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert texts.count(nasty) == 3  # title, subtitle and edge label
    html = d._repr_html_()
    assert "<script>" not in html
    assert 'aria-label="&lt;script&gt;alert(&#x27;x&#x27;) &amp; &quot;y&quot;' in html


def test_html_and_svg_reprs() -> None:
    d = render_diagram([Node("a", "A")], [], title="one box")
    assert d._repr_svg_() == d.svg
    html = d._repr_html_()
    assert html.startswith('<div role="img" aria-label="one box: 1 nodes, 0 edges"')
    assert "max-width:100%; overflow-x:auto" in html
    assert d.svg in html
    assert d.title == "one box"
    assert render_diagram([], []).title == "Diagram"


def test_save(tmp_path: Path) -> None:
    d = render_diagram([Node("a", "A")], [])
    target = d.save(tmp_path / "d.svg")
    assert target.read_text(encoding="utf-8") == d.svg
    assert d.save(str(target)) == target


@pytest.mark.parametrize("seed", range(25))
@pytest.mark.parametrize("direction", ["TB", "LR"])
def test_layout_properties_on_random_dags(seed: int, direction: str) -> None:
    nodes, edges = random_dag(seed)
    d = render_diagram(nodes, edges, direction=direction)
    root = parse(d)
    rects = boxes(root)
    assert list(rects) == [n.id for n in nodes]
    width, height = float(root.get("width", "0")), float(root.get("height", "0"))
    for x, y, w, h in rects.values():  # inside the picture
        assert min(x, y) >= 0
        assert x + w <= width + 0.1
        assert y + h <= height + 0.1
    items = list(rects.values())
    for i, (x1, y1, w1, h1) in enumerate(items):  # no two boxes overlap
        for x2, y2, w2, h2 in items[i + 1 :]:
            assert x1 + w1 <= x2 or x2 + w2 <= x1 or y1 + h1 <= y2 or y2 + h2 <= y1
    pairs = {(e.src, e.dst) for e in edges}
    paths = path_points(root)
    assert set(paths) == {f"{s}->{t}" for s, t in pairs}
    for src, dst in pairs:
        pts = paths[f"{src}->{dst}"]
        sx, sy, sw, sh = rects[src]
        tx, ty, tw, th = rects[dst]
        ex, ey = pts[-1]
        if direction == "TB":  # downhill, ending on the top side of the target
            assert sy + sh <= ty
            assert abs(ey - ty) < 0.11
            assert tx <= ex <= tx + tw
        else:  # left to right, ending on the left side of the target
            assert sx + sw <= tx
            assert abs(ex - tx) < 0.11
            assert ty <= ey <= ty + th
        for px, py in pts:  # routed around every box, never through one
            for bx, by, bw, bh in rects.values():
                assert not (
                    bx + 0.2 < px < bx + bw - 0.2 and by + 0.2 < py < by + bh - 0.2
                )


def test_long_edge_goes_around_the_middle_box() -> None:
    d = render_diagram(
        [Node("a", "a"), Node("b", "a much wider box in the middle"), Node("c", "c")],
        [Edge("a", "b"), Edge("b", "c"), Edge("a", "c", "skip")],
    )
    root = parse(d)
    bx, _, bw, _ = boxes(root)["b"]
    lines = path_points(root)["a->c"]
    assert any(not (bx <= x <= bx + bw) for x, _ in lines)


def test_constants_sit_next_to_their_consumer() -> None:
    d = render_diagram(
        [
            Node("x", "x", kind="input"),
            Node("c", "Const"),
            Node("f", "f"),
            Node("g", "g"),
        ],
        [Edge("x", "f"), Edge("f", "g"), Edge("c", "g")],
    )
    rects = boxes(parse(d))
    assert rects["c"][1] == rects["f"][1]  # same layer as f, just above g
    assert rects["x"][1] < rects["c"][1]


def test_dashed_edges() -> None:
    d = render_diagram(
        [Node("a", "A"), Node("b", "B"), Node("c", "C")],
        [Edge("a", "b"), Edge("a", "c", "control")],
        dashed=[("a", "c")],
    )
    groups = {
        g.get("data-id"): g for g in parse(d).iterfind("svg:g[@class='edge']", NS)
    }
    dashed = {
        k: v.find("svg:path", NS).get("stroke-dasharray") for k, v in groups.items()
    }  # type: ignore[union-attr]
    assert dashed == {"a->b": None, "a->c": "5 4"}


def test_repeated_edges_are_drawn_once() -> None:
    d = render_diagram(
        [Node("a", "A"), Node("b", "B")],
        [Edge("a", "b", "x"), Edge("a", "b", "x"), Edge("a", "b", "y")],
    )
    assert len(d.edges) == 2
    assert d.svg.count('class="edge"') == 1
    assert "x; y" in d.svg


def test_cycle_is_refused_naming_its_nodes() -> None:
    with pytest.raises(ValueError, match=r"acyclic graph; cycle through: b, c"):
        render_diagram(
            [Node("a", "A"), Node("b", "B"), Node("c", "C")],
            [Edge("a", "b"), Edge("b", "c"), Edge("c", "b")],
        )


def test_bad_arguments() -> None:
    with pytest.raises(
        ValueError, match=r"direction=\.\.\.\) expects 'TB' or 'LR'; got 'BT'"
    ):
        render_diagram([], [], direction="BT")
    with pytest.raises(ValueError, match=r"repeated node ids: \['a'\]"):
        render_diagram([Node("a", "A"), Node("a", "B")], [])
    with pytest.raises(ValueError, match=r"unknown node ids: \['z'\]"):
        render_diagram([Node("a", "A")], [Edge("a", "z")])


def test_modules_import_without_tensorflow() -> None:
    import subprocess
    import sys

    code = (
        "import sys, tfdocs_helpers.diagram, tfdocs_helpers.graphs, "
        "tfdocs_helpers.models;"
        "bad = {'tensorflow', 'keras', 'matplotlib'} & set(sys.modules);"
        "print(sorted(bad))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_a_diagram_wider_than_its_column_scales_down_whole() -> None:
    nodes = [Node(f"n{i}", f"a rather long node title {i}") for i in range(8)]
    edges = [Edge(f"n{i}", f"n{i + 1}") for i in range(7)]
    svg = ET.fromstring(render_diagram(nodes, edges, direction="LR").svg)
    assert float(svg.get("width")) > 700  # wider than the site's column
    assert svg.get("style") == "max-width:100%;height:auto"
    assert svg.get("viewBox").split()[2:] == [svg.get("width"), svg.get("height")]
