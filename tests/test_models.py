"""Tests for Keras model diagrams: topology, marking, determinism and errors."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import keras
import numpy as np
import pytest

from tfdocs_helpers.diagram import Diagram
from tfdocs_helpers.models import model_diagram

NS = {"svg": "http://www.w3.org/2000/svg"}


@pytest.fixture(autouse=True)
def _fresh_names() -> Iterator[None]:
    keras.backend.clear_session()
    yield
    keras.backend.clear_session()


def pairs(d: Diagram) -> set[tuple[str, str]]:
    return {(e.src, e.dst) for e in d.edges}


def kinds(d: Diagram) -> dict[str, str]:
    return {n.id: n.kind for n in d.nodes}


def node_groups(d: Diagram) -> list[str]:
    root = ET.fromstring(d.svg)
    return [g.get("data-id", "") for g in root.iterfind("svg:g[@class='node']", NS)]


def two_in_two_out() -> keras.Model:
    a = keras.Input((4,), name="a")
    b = keras.Input((4,), name="b")
    shared = keras.layers.Dense(5, name="shared")
    x, y = shared(a), shared(b)
    joined = keras.layers.Concatenate(name="cat")([x, y])
    summed = keras.layers.Add(name="add")([x, y])
    out1 = keras.layers.Dense(1, name="out1")(joined)
    out2 = keras.layers.Dense(2, name="out2")(summed)
    return keras.Model([a, b], [out1, out2], name="two_heads")


def nested() -> keras.Model:
    inner_in = keras.Input((4,), name="inner_in")
    inner = keras.Model(
        inner_in, keras.layers.Dense(3, name="inner_dense")(inner_in), name="inner"
    )
    seq = keras.Sequential(
        [keras.layers.Dense(3, name="s1"), keras.layers.Dense(3, name="s2")], name="seq"
    )
    x = keras.Input((4,), name="x")
    h = inner(x)
    out = keras.layers.Dense(1, name="head")(keras.layers.Add(name="res")([h, seq(h)]))
    return keras.Model(x, out, name="outer")


def test_sequential_with_input() -> None:
    model = keras.Sequential(
        [
            keras.Input((4,), name="features"),
            keras.layers.Dense(1000, name="wide"),
            keras.layers.Dense(2, name="logits"),
        ],
        name="mlp",
    )
    d = model_diagram(model)
    assert [n.id for n in d.nodes] == ["features", "wide", "logits"]
    assert kinds(d) == {"features": "input", "wide": "layer", "logits": "output"}
    assert pairs(d) == {("features", "wide"), ("wide", "logits")}
    assert d.nodes[0].subtitle == ("InputLayer", "(None, 4)")
    assert d.nodes[1].subtitle == ("Dense", "(None, 1000)", "5,000 params")
    assert d.nodes[2].subtitle == ("Dense", "(None, 2)", "2,002 params")
    assert node_groups(d) == ["features", "wide", "logits"]
    assert "'mlp' (Sequential): 2 layers" in d.title


@pytest.mark.parametrize("how", ["build", "call"])
def test_sequential_built_without_input(how: str) -> None:
    model = keras.Sequential(
        [keras.layers.Dense(3, name="d1"), keras.layers.Dense(1, name="d2")]
    )
    if how == "build":
        model.build((None, 5))
    else:
        model(np.zeros((2, 5), dtype="float32"))
    d = model_diagram(model)
    assert [n.kind for n in d.nodes] == ["input", "layer", "output"]
    assert [n.title for n in d.nodes[1:]] == ["d1", "d2"]
    assert pairs(d) == {(d.nodes[0].id, "d1"), ("d1", "d2")}


def test_functional_two_inputs_two_outputs_shared_layer() -> None:
    d = model_diagram(two_in_two_out())
    assert pairs(d) == {
        ("a", "shared"),
        ("b", "shared"),
        ("shared", "cat"),
        ("shared", "add"),
        ("cat", "out1"),
        ("add", "out2"),
    }
    assert node_groups(d) == ["a", "b", "shared", "cat", "add", "out1", "out2"]
    assert kinds(d) == {
        "a": "input",
        "b": "input",
        "shared": "layer",
        "cat": "layer",
        "add": "layer",
        "out1": "output",
        "out2": "output",
    }
    shared = next(n for n in d.nodes if n.id == "shared")
    assert shared.subtitle == ("Dense", "(None, 5)", "25 params")
    root = ET.fromstring(d.svg)
    edges = {g.get("data-id") for g in root.iterfind("svg:g[@class='edge']", NS)}
    assert edges == {f"{s}->{t}" for s, t in pairs(d)}


def test_residual_model() -> None:
    x = keras.Input((8,), name="x")
    h = keras.layers.Dense(8, name="h1")(x)
    h2 = keras.layers.Dense(8, name="h2")(keras.layers.ReLU(name="act")(h))
    out = keras.layers.Add(name="skip_add")([h, h2])
    d = model_diagram(keras.Model(x, out))
    assert pairs(d) == {
        ("x", "h1"),
        ("h1", "act"),
        ("act", "h2"),
        ("h1", "skip_add"),
        ("h2", "skip_add"),
    }
    assert kinds(d)["skip_add"] == "output"


def test_nested_models_collapsed() -> None:
    d = model_diagram(nested())
    assert pairs(d) == {
        ("x", "inner"),
        ("inner", "seq"),
        ("inner", "res"),
        ("seq", "res"),
        ("res", "head"),
    }
    boxes = {n.id: n for n in d.nodes}
    assert boxes["inner"].kind == boxes["seq"].kind == "model"
    assert boxes["inner"].subtitle == ("Functional", "(None, 3)", "15 params")
    assert boxes["seq"].subtitle == ("Sequential", "(None, 3)", "24 params")


def test_nested_models_expanded() -> None:
    d = model_diagram(nested(), expand_nested=True)
    assert pairs(d) == {
        ("x", "inner/inner_in"),
        ("inner/inner_in", "inner/inner_dense"),
        ("inner/inner_dense", "seq/s1"),
        ("seq/s1", "seq/s2"),
        ("inner/inner_dense", "res"),
        ("seq/s2", "res"),
        ("res", "head"),
    }
    boxes = {n.id: n for n in d.nodes}
    assert boxes["seq/s1"].title == "seq/s1"
    assert boxes["seq/s1"].subtitle == ("Dense", "(None, 3)", "12 params")
    assert boxes["inner/inner_in"].kind == "layer"  # an input of the sub-model only
    assert "nested models expanded" in d.title


def test_nested_model_at_both_ends_expanded() -> None:
    block = keras.Sequential(
        [keras.layers.Dense(4, name="b1"), keras.layers.Dense(2, name="b2")],
        name="block",
    )
    model = keras.Sequential([keras.Input((3,), name="x"), block], name="wrapper")
    collapsed = model_diagram(model)
    assert pairs(collapsed) == {("x", "block")}
    assert kinds(collapsed)["block"] == "output"  # output marking wins
    expanded = model_diagram(model, expand_nested=True)
    assert pairs(expanded) == {("x", "block/b1"), ("block/b1", "block/b2")}
    assert kinds(expanded) == {"x": "input", "block/b1": "layer", "block/b2": "output"}


def test_shapes_and_params_can_be_hidden() -> None:
    d = model_diagram(two_in_two_out(), show_shapes=False, show_params=False)
    assert {n.subtitle for n in d.nodes} == {
        ("InputLayer",),
        ("Dense",),
        ("Concatenate",),
        ("Add",),
    }


def test_multi_output_layer_and_plain_ops() -> None:
    class Twice(keras.layers.Layer):
        def call(self, x: object) -> tuple[object, object]:
            return x, keras.ops.multiply(x, 2.0)

    x = keras.Input((3,), name="x")
    a, b = Twice(name="twice")(x)
    out = keras.ops.add(a, b)  # an operation, not a layer: no parameter count
    d = model_diagram(keras.Model(x, out))
    boxes = {n.id: n for n in d.nodes}
    assert boxes["twice"].subtitle == ("Twice", "[(None, 3), (None, 3)]", "0 params")
    (op,) = (n for n in d.nodes if n.id not in {"x", "twice"})
    assert op.subtitle == ("Add", "(None, 3)")
    assert op.kind == "output"
    assert pairs(d) == {("x", "twice"), ("twice", op.id)}


def test_subclassed_model_nested_is_one_box() -> None:
    class Block(keras.Model):
        def __init__(self) -> None:
            super().__init__(name="block")
            self.dense = keras.layers.Dense(2, name="inside")

        def call(self, x: object) -> object:
            return self.dense(x)

    x = keras.Input((3,), name="x")
    d = model_diagram(keras.Model(x, Block()(x)), expand_nested=True)
    assert pairs(d) == {("x", "block")}
    assert [n.kind for n in d.nodes] == ["input", "output"]


def test_same_model_same_bytes() -> None:
    model = two_in_two_out()
    assert model_diagram(model) == model_diagram(model)
    again = two_in_two_out()  # built separately, same names
    assert model_diagram(again).svg == model_diagram(model).svg
    expanded = nested()
    assert model_diagram(expanded, expand_nested=True).svg == (
        model_diagram(expanded, expand_nested=True).svg
    )


def test_names_are_escaped() -> None:
    x = keras.Input((3,), name="in<&>")
    y = keras.layers.Dense(2, name='d<"&>')(x)
    d = model_diagram(keras.Model(x, y, name="m<&>"))
    root = ET.fromstring(d.svg)
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "in<&>" in texts
    assert 'd<"&>' in texts
    assert node_groups(d) == ["in<&>", 'd<"&>']
    assert "<&>" not in d._repr_html_()


def test_never_needs_pydot() -> None:
    model_diagram(nested(), expand_nested=True)
    assert "pydot" not in sys.modules


def test_not_a_model() -> None:
    with pytest.raises(
        TypeError,
        match=r"^model_diagram\(model=\.\.\.\) expects a keras\.Model; got dict$",
    ):
        model_diagram({})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"got Dense$"):
        model_diagram(keras.layers.Dense(2))  # type: ignore[arg-type]


def test_unbuilt_model() -> None:
    model = keras.Sequential([keras.layers.Dense(3)], name="sequential")
    with pytest.raises(
        ValueError, match=r"needs a built model: 'sequential' has no defined input"
    ) as info:
        model_diagram(model)
    message = str(info.value)
    for hint in ("keras.Input(shape=...)", "model.build(input_shape)", "batch of data"):
        assert hint in message


def test_subclassed_model_is_refused() -> None:
    class Net(keras.Model):
        def __init__(self) -> None:
            super().__init__(name="net")
            self.dense = keras.layers.Dense(2)

        def call(self, x: object) -> object:
            return self.dense(x)

    net = Net()
    net(np.zeros((1, 3), dtype="float32"))
    with pytest.raises(
        ValueError, match=r"Sequential and Functional models.*'net' is a subclassed Net"
    ) as info:
        model_diagram(net)
    assert "model.summary()" in str(info.value)


def test_layer_shared_between_models_counts_only_this_model() -> None:
    dense = keras.layers.Dense(2, name="dense_shared")
    first_in = keras.Input((3,), name="first_in")
    second_in = keras.Input((3,), name="second_in")
    keras.Model(first_in, dense(first_in), name="first")
    second = keras.Model(second_in, dense(keras.layers.ReLU(name="relu")(second_in)))
    d = model_diagram(second)
    assert pairs(d) == {("second_in", "relu"), ("relu", "dense_shared")}
    assert next(n for n in d.nodes if n.id == "dense_shared").subtitle[1] == "(None, 2)"


def test_input_returned_as_an_output_stays_an_input() -> None:
    x = keras.Input((3,), name="x")
    d = model_diagram(keras.Model(x, [x, keras.layers.Dense(1, name="d")(x)]))
    assert kinds(d) == {"x": "input", "d": "output"}
