"""Diagrams of Keras 3 models, drawn without pydot or Graphviz.

:func:`model_diagram` finds the edges the way ``keras.utils.plot_model`` does
(each layer's inbound nodes inside the model, and the same rules for entering
and leaving nested models) and draws them with
:func:`~tfdocs_helpers.diagram.render_diagram`.

Only Sequential and Functional models have a static layer graph. A subclassed
model's ``call()`` is Python code, so :func:`model_diagram` refuses it with a
``ValueError`` rather than draw boxes without edges that would suggest a
topology; a subclassed model *nested* in a Functional model is one box.
"""

from __future__ import annotations

from contextlib import suppress
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from tfdocs_helpers.diagram import Diagram, Edge, Node, render_diagram

if TYPE_CHECKING:
    import keras

__all__ = ["model_diagram"]


def _is_graph_model(op: object) -> bool:
    """Whether ``op`` is a Sequential or Functional model (has a static graph)."""
    import keras
    from keras.src.models.functional import Functional

    return isinstance(op, (keras.Sequential, Functional))


def _check(model: object) -> None:
    import keras

    if not isinstance(model, keras.Model):
        msg = f"model_diagram(model=...) expects a keras.Model; got {type(model).__name__}"
        raise TypeError(msg)
    if not _is_graph_model(model):
        msg = (
            f"model_diagram(model=...) draws Sequential and Functional models, "
            f"which have a static layer graph; {model.name!r} is a subclassed "
            f"{type(model).__name__} whose call() is Python code with no graph "
            "to draw. Use model.summary() to list its layers."
        )
        raise ValueError(msg)
    if not model.built:
        msg = (
            f"model_diagram(model=...) needs a built model: {model.name!r} has no "
            "defined input. Build it first, e.g. by starting it with "
            "keras.Input(shape=...), calling model.build(input_shape), or "
            "calling it on a batch of data."
        )
        raise ValueError(msg)


def _shapes(op: Any, model: Any) -> str:
    """Output shapes of ``op`` in ``model``: ``(None, 4)``, or a list of them."""
    graph = getattr(model, "_functional", None) or model
    found = []
    for i, node in enumerate(op._inbound_nodes):
        if f"{id(op)}_ib-{i}" not in getattr(graph, "_nodes", ()):
            continue  # the same key as keras.src.ops.function.make_node_key
        shapes = [str(tuple(t.shape)) for t in node.output_tensors]
        text = shapes[0] if len(shapes) == 1 else f"[{', '.join(shapes)}]"
        found += [text] if text not in found else []
    return " or ".join(found)


class _Drawing:
    """Nodes and edges collected from a model and, if asked, its sub-models."""

    def __init__(self, *, expand: bool, show_shapes: bool, show_params: bool) -> None:
        self.expand, self.show_shapes, self.show_params = (
            expand,
            show_shapes,
            show_params,
        )
        self.nodes: dict[str, Node] = {}
        self.edges: list[Edge] = []
        self._ids: dict[tuple[str, int], str] = {}

    def node_id(self, prefix: str, op: Any) -> str:
        """Return a readable id, ``outer/inner`` in expanded models, made unique."""
        key = (prefix, id(op))
        if key not in self._ids:
            base = f"{prefix}{op.name}"
            taken = set(self._ids.values())
            self._ids[key] = next(
                f"{base}#{n}" if n else base
                for n in range(len(taken) + 1)
                if (f"{base}#{n}" if n else base) not in taken
            )
        return self._ids[key]

    def add_box(self, prefix: str, op: Any, model: Any) -> None:
        import keras

        lines = [type(op).__name__]
        if self.show_shapes and (shape := _shapes(op, model)):
            lines.append(shape)
        if self.show_params and type(op).__name__ != "InputLayer":
            with suppress(AttributeError, ValueError):  # an op; an unbuilt layer
                lines.append(f"{op.count_params():,} params")
        kind = "model" if isinstance(op, keras.Model) else "layer"
        node_id = self.node_id(prefix, op)
        self.nodes.setdefault(
            node_id, Node(node_id, prefix + op.name, tuple(lines), kind)
        )

    def source(self, prefix: str, op: Any, index: int) -> str:
        """Box that produces output ``index`` of ``op``, inside models if expanded."""
        while self.expand and _is_graph_model(op):
            prefix += f"{op.name}/"
            op, _, index = op.outputs[index]._keras_history
        return self.node_id(prefix, op)

    def target(self, prefix: str, op: Any, index: int) -> str:
        """Box that receives input ``index`` of ``op``, inside models if expanded."""
        import keras

        while self.expand and _is_graph_model(op):
            prefix += f"{op.name}/"
            if isinstance(op, keras.Sequential):
                op = op.layers[0]  # no InputLayer box inside a nested Sequential
            else:
                op = op.inputs[index]._keras_history.operation
        return self.node_id(prefix, op)

    def add_model(self, model: Any, prefix: str, *, top: bool) -> None:
        import keras

        if isinstance(model, keras.Sequential):
            ops = list(model.layers)
            if top and model.inputs:
                ops.insert(0, model.inputs[0]._keras_history.operation)
        else:
            ops = list(model._operations)
        for op in ops:
            if self.expand and _is_graph_model(op):
                self.add_model(op, f"{prefix}{op.name}/", top=False)
            else:
                self.add_box(prefix, op, model)
        if isinstance(model, keras.Sequential):
            for a, b in pairwise(ops):
                self.edges.append(
                    Edge(self.source(prefix, a, 0), self.target(prefix, b, 0))
                )
            return
        for op in ops:
            for i, node in enumerate(op._inbound_nodes):
                if f"{id(op)}_ib-{i}" not in model._nodes:
                    continue  # a call of this layer in another model
                for j, tensor in enumerate(node.input_tensors):
                    src, _, k = tensor._keras_history
                    if src is not None:
                        edge = Edge(
                            self.source(prefix, src, k), self.target(prefix, op, j)
                        )
                        self.edges.append(edge)


def model_diagram(
    model: keras.Model,
    *,
    expand_nested: bool = False,
    show_shapes: bool = True,
    show_params: bool = True,
) -> Diagram:
    """Draw a Keras Sequential or Functional model, one box per layer.

    Parameters
    ----------
    model : keras.Model
        A built Sequential or Functional model.
    expand_nested : bool, default False
        Draw the layers of nested Sequential and Functional models (named
        ``outer/inner``) instead of one box per nested model.
    show_shapes : bool, default True
        Write each layer's output shape, e.g. ``(None, 64)``.
    show_params : bool, default True
        Write each layer's parameter count.

    Returns
    -------
    Diagram
        Inputs and output-producing layers are marked; a layer called twice
        is one box with an edge from each call site.

    Raises
    ------
    TypeError
        If ``model`` is not a ``keras.Model``.
    ValueError
        If the model is subclassed (no static graph) or not built yet.

    Examples
    --------
    >>> d = model_diagram(keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)]))
    >>> len(d.nodes)
    2
    >>> d.nodes[1].subtitle
    ('Dense', '(None, 2)', '10 params')
    """
    _check(model)
    drawing = _Drawing(
        expand=expand_nested, show_shapes=show_shapes, show_params=show_params
    )
    drawing.add_model(model, "", top=True)
    nodes = drawing.nodes
    for tensor in model.inputs:
        node_id = drawing.node_id("", tensor._keras_history.operation)
        nodes[node_id] = nodes[node_id]._replace(kind="input")
    for tensor in model.outputs:
        op, _, index = tensor._keras_history
        node_id = drawing.source("", op, index)
        if nodes[node_id].kind != "input":
            nodes[node_id] = nodes[node_id]._replace(kind="output")
    layers = sum(node.kind != "input" for node in nodes.values())
    how = ", nested models expanded" if expand_nested else ""
    title = f"Keras model {model.name!r} ({type(model).__name__}): {layers} layers{how}"
    return render_diagram(nodes.values(), drawing.edges, title=title)
