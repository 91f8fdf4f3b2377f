"""Tests for tf.function graph diagrams and tracing summaries."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable

import pytest
import tensorflow as tf

from tfdocs_helpers.diagram import Diagram
from tfdocs_helpers.graphs import TracingSummary, graph_diagram, tracing_summary

NS = {"svg": "http://www.w3.org/2000/svg"}
BOOKKEEPING = {
    "Identity",
    "IdentityN",
    "ReadVariableOp",
    "Const",
    "NoOp",
    "VarHandleOp",
}


def reachable(pairs: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    succ: dict[str, set[str]] = defaultdict(set)
    for src, dst in pairs:
        succ[src].add(dst)
    out: dict[str, set[str]] = {}
    for start in list(succ):
        seen: set[str] = set()
        todo = list(succ[start])
        while todo:
            node = todo.pop()
            if node not in seen:
                seen.add(node)
                todo += succ[node]
        out[start] = seen
    return out


def data_pairs(d: Diagram) -> set[tuple[str, str]]:
    return {(e.src, e.dst) for e in d.edges if e.label != "control"}


@pytest.fixture(scope="module")
def with_variable() -> tf.types.experimental.PolymorphicFunction:
    w = tf.Variable(1.0, name="w")

    @tf.function
    def step(x: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        y = tf.constant(3.0) * x + w
        w.assign_add(1.0)
        return y, tf.reduce_sum(y)

    step.w = w  # type: ignore[attr-defined]  # keep the variable alive
    return step


SPEC = tf.TensorSpec([None, 3], tf.float32)


def test_unfolded_graph_has_every_op(with_variable: object) -> None:
    d = graph_diagram(with_variable, SPEC, fold_bookkeeping=False)
    concrete = with_variable.get_concrete_function(SPEC)  # type: ignore[attr-defined]
    ops = concrete.graph.get_operations()
    assert [n.id for n in d.nodes] == [op.name for op in ops]
    assert [n.title for n in d.nodes if n.kind == "op"].count("Const") == 3
    kinds = {n.id: n.kind for n in d.nodes}
    assert kinds["x"] == "input"
    assert kinds["Identity"] == kinds["Identity_1"] == "output"
    variable = next(n for n in d.nodes if n.kind == "variable")
    assert variable.title == "w"
    expected = {(t.op.name, op.name) for op in ops for t in op.inputs}
    assert data_pairs(d) == expected
    control = {(e.src, e.dst) for e in d.edges if e.label == "control"}
    assert control == {(c.name, op.name) for op in ops for c in op.control_inputs}
    root = ET.fromstring(d.svg)
    dashed = {
        g.get("data-id")
        for g in root.iterfind("svg:g[@class='edge']", NS)
        if g.find("svg:path[@stroke-dasharray]", NS) is not None
    }
    assert dashed == {f"{s}->{t}" for s, t in control}
    assert len(root.findall("svg:g[@class='node']", NS)) == len(ops)
    assert "all ops" in d.title
    assert "all ops" in d._repr_html_()


def test_folding_keeps_the_topology(with_variable: object) -> None:
    full = graph_diagram(with_variable, SPEC, fold_bookkeeping=False)
    folded = graph_diagram(with_variable, SPEC)
    assert len(folded.nodes) < len(full.nodes)
    assert not {n.title for n in folded.nodes} & BOOKKEEPING
    assert not any(e.label == "control" for e in folded.edges)
    kept = {n.id for n in folded.nodes}
    before, after = reachable(data_pairs(full)), reachable(data_pairs(folded))
    for node in kept:  # same reachability among the ops that stay
        assert before.get(node, set()) & kept == after.get(node, set())
    variable = next(n for n in folded.nodes if n.kind == "variable")
    assert {e.dst for e in folded.edges if e.src == variable.id} == {
        "add",
        "AssignAddVariableOp",
    }
    read = next(e for e in folded.edges if (e.src, e.dst) == (variable.id, "add"))
    assert read.label == "float32 ()"  # the value read, not the resource handle
    outputs = {n.id: n.subtitle[-1] for n in folded.nodes if n.kind == "output"}
    assert outputs == {"add": "output 0", "Sum": "output 1"}
    assert "bookkeeping ops folded" in folded.title
    assert "step" in folded.title


def test_edge_labels_give_dtype_and_shape() -> None:
    @tf.function
    def f(x: tf.Tensor, y: tf.Tensor) -> tf.Tensor:
        return tf.reduce_sum(x) + tf.cast(tf.size(y), tf.float32)

    d = graph_diagram(f, tf.zeros([2, 3]), tf.TensorSpec(None, tf.int32))
    labels = {(e.src, e.dst): e.label for e in d.edges}
    assert labels["x", "Sum"] == "float32 (2, 3)"
    assert labels["y", "Size"] == "int32 ?"
    assert labels["Size", "Cast"] == "int32 ()"


def test_concrete_function_and_input_signature() -> None:
    @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
    def f(x: tf.Tensor) -> tf.Tensor:
        return tf.nn.relu(x)

    from_signature = graph_diagram(f)
    from_concrete = graph_diagram(f.get_concrete_function())
    assert from_signature == from_concrete
    assert [n.title for n in from_signature.nodes] == ["Placeholder", "Relu"]
    assert from_signature.edges[0].label == "float32 (None,)"


def test_same_function_same_bytes(with_variable: object) -> None:
    first = graph_diagram(with_variable, SPEC)
    second = graph_diagram(with_variable, tf.TensorSpec([None, 3], tf.float32))
    assert first.svg == second.svg


def test_outputs_of_a_multi_output_op() -> None:
    @tf.function
    def f(x: tf.Tensor) -> list[tf.Tensor]:
        return tf.split(x, 3)

    d = graph_diagram(f, tf.zeros([6]))
    split = next(n for n in d.nodes if n.title == "Split")
    assert split.kind == "output"
    assert split.subtitle[-1] == "outputs 0, 1, 2"


def test_identity_n_passes_each_input_through() -> None:
    @tf.function
    def f(x: tf.Tensor, y: tf.Tensor) -> tf.Tensor:
        a, b = tf.identity_n([x * 2.0, y + 1.0])
        return a - b

    d = graph_diagram(f, tf.zeros([2]), tf.zeros([2]))
    assert "IdentityN" not in {n.title for n in d.nodes}
    full = graph_diagram(f, tf.zeros([2]), tf.zeros([2]), fold_bookkeeping=False)
    assert "IdentityN" in {n.title for n in full.nodes}
    into_sub = {e.src for e in d.edges if e.dst == "sub"}
    assert into_sub == {"mul", "add"}


def test_constant_result_stays_when_folded() -> None:
    @tf.function
    def f() -> tf.Tensor:
        return tf.constant(1)

    d = graph_diagram(f)
    assert [(n.title, n.kind) for n in d.nodes] == [("Const", "output")]


def test_argument_returned_as_is() -> None:
    @tf.function
    def f(x: tf.Tensor) -> tf.Tensor:
        return x

    (node,) = graph_diagram(f, tf.zeros([1])).nodes
    assert node.kind == "input"
    assert node.subtitle == ("x", "output 0")


def test_captured_tensor_is_an_input() -> None:
    table = tf.zeros([256])  # above the size TF would inline as a constant

    @tf.function
    def f(x: tf.Tensor) -> tf.Tensor:
        return x + table

    d = graph_diagram(f, tf.zeros([256]))
    captured = [n for n in d.nodes if "captured tensor" in n.subtitle]
    assert len(captured) == 1
    assert captured[0].kind == "input"


def test_bad_inputs() -> None:
    @tf.function
    def f(x: tf.Tensor) -> tf.Tensor:
        return x

    def plain(x: tf.Tensor) -> tf.Tensor:
        return x

    with pytest.raises(
        TypeError,
        match=r"^graph_diagram\(fn=\.\.\.\) expects a tf\.function or a concrete "
        r"function; got int$",
    ):
        graph_diagram(3)
    with pytest.raises(
        TypeError, match=r"plain Python callable 'plain'.*tf\.function\(plain\)"
    ):
        graph_diagram(plain, tf.zeros([1]))
    with pytest.raises(
        ValueError, match=r"graph_diagram\(fn=f\) needs example arguments"
    ):
        graph_diagram(f)
    concrete = f.get_concrete_function(tf.zeros([1]))
    with pytest.raises(TypeError, match=r"already traced: pass no example arguments"):
        graph_diagram(concrete, tf.zeros([1]))


def test_tracing_summary_counts_retraces() -> None:
    @tf.function
    def f(x: object) -> tf.Tensor:
        return tf.convert_to_tensor(x) * 2

    f(tf.constant([1.0, 2.0]))
    f(tf.constant([1.0, 2.0, 3.0]))
    f(tf.constant([4.0, 5.0]))  # same signature: no retrace
    f(1)
    f(2)  # another Python value: another trace
    summary = tracing_summary(f)
    assert summary.count == 4
    assert summary.signatures == (
        "(x: float32 (2,))",
        "(x: float32 (3,))",
        "(x: Literal[1])",
        "(x: Literal[2])",
    )
    assert repr(summary).splitlines()[0] == "TracingSummary: 4 traces"
    html = summary._repr_html_()
    assert html.count("<tr>") == 5
    assert "<caption" in html
    assert "4 traces" in html


def test_tracing_summary_html_escapes() -> None:
    summary = TracingSummary(count=1, signatures=("(x: <b>&</b>)",))
    html = summary._repr_html_()
    assert "<b>" not in html
    assert "(x: &lt;b&gt;&amp;&lt;/b&gt;)" in html
    assert "1 trace<" in html
    ET.fromstring(html)  # well formed


def test_tracing_summary_bad_input() -> None:
    with pytest.raises(
        TypeError,
        match=r"^tracing_summary\(fn=\.\.\.\) expects a tf\.function; got function$",
    ):
        tracing_summary(lambda x: x)


def test_tracing_summary_html_sets_its_own_colours() -> None:
    # A dark theme's pale text must never land on the light panel: every
    # element that holds text says which colour it is and what it is on.
    html = TracingSummary(count=1, signatures=("(x: float32 (2,))",))._repr_html_()
    root = ET.fromstring(html)
    for element in root.iter():
        if element.text and element.text.strip():
            style = element.get("style", "")
            assert "color:" in style, (element.tag, style)
    for tag in ("table", "td", "th"):
        for element in root.iter(tag):
            assert "background:" in element.get("style", ""), tag
