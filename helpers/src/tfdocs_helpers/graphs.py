"""Diagrams and summaries of the graphs that ``tf.function`` traces.

:func:`graph_diagram` draws the ops of a traced function as a
:class:`~tfdocs_helpers.diagram.Diagram`; :func:`tracing_summary` tells how many
times a ``tf.function`` was traced and for which input signatures.

Folding (``fold_bookkeeping=True``, the default) hides the ops that only move
values around, so the diagram shows the computation a reader wrote:

* ``Identity`` and ``IdentityN`` pass their input through; when one of them
  returns a result, the op that computed it is marked as the output.
* ``ReadVariableOp`` passes the variable through: the variable's box (named
  after the ``tf.Variable``) feeds the ops that read it directly.
* ``Const``, ``NoOp`` and ``VarHandleOp`` disappear with their edges (a
  constant that is itself a result stays).
* ``Assign*`` ops are real work and stay.

Control dependencies (``op.control_inputs``) are drawn dashed, labelled
``control``, when nothing is folded, and are left out of folded diagrams:
they mostly run through the ``NoOp`` that folding removes.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tfdocs_helpers.diagram import Diagram, Edge, Node, render_diagram

if TYPE_CHECKING:
    import tensorflow as tf

__all__ = ["TracingSummary", "graph_diagram", "tracing_summary"]

_PASS_THROUGH = frozenset({"Identity", "IdentityN", "ReadVariableOp"})
_DROPPED = frozenset({"Const", "NoOp", "VarHandleOp"})


@dataclass(frozen=True)
class TracingSummary:
    """How many times a ``tf.function`` traced, and for which inputs.

    Examples
    --------
    >>> s = TracingSummary(count=1, signatures=("(x: float32 (2,))",))
    >>> s
    TracingSummary: 1 trace
      1. (x: float32 (2,))
    """

    count: int
    signatures: tuple[str, ...]

    def __repr__(self) -> str:
        """List the traces, one signature a line."""
        lines = [f"TracingSummary: {self.count} trace{'' if self.count == 1 else 's'}"]
        lines += [f"  {i}. {sig}" for i, sig in enumerate(self.signatures, 1)]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        """Render the traces as a small table on a light card with its own colours.

        Like :func:`~tfdocs_helpers.show_tensor`, every element sets its text
        and background colour, so that a dark theme (the site's, or
        JupyterLab's) never puts its pale text on the light panel that holds
        rich outputs.
        """
        ink, muted, line = "#1f2328", "#57606a", "#d0d7de"
        cell = (
            f"padding:2px 10px;border-bottom:1px solid {line};text-align:left;"
            f"background:#ffffff;color:{ink}"
        )
        code = f"color:{ink};background:#f6f8fa;padding:0 3px;border-radius:3px"
        head = (
            f'<tr><th style="{cell};color:{muted}">#</th>'
            f'<th style="{cell};color:{muted}">input signature</th></tr>'
        )
        rows = "".join(
            f'<tr><td style="{cell}">{i}</td>'
            f'<td style="{cell}"><code style="{code}">{html.escape(sig)}</code></td></tr>'
            for i, sig in enumerate(self.signatures, 1)
        )
        caption = f"{self.count} trace{'' if self.count == 1 else 's'}"
        return (
            '<div style="display:inline-block;max-width:100%;overflow-x:auto;'
            f"background:#ffffff;color:{ink};border:1px solid {line};"
            'border-radius:4px;padding:4px 8px;margin:0.5em 0">'
            '<table style="border-collapse:collapse;font-size:0.9em;'
            f'background:#ffffff;color:{ink}">'
            f'<caption style="text-align:left;color:{muted};caption-side:top">'
            f"{caption}</caption>{head}{rows}</table></div>"
        )


def _shape_label(tensor: tf.Tensor) -> str:
    shape = tensor.shape
    dims = "?" if shape.rank is None else str(tuple(shape.as_list()))
    return f"{tensor.dtype.name} {dims}"


def _spec_label(spec: Any) -> str:
    import tensorflow as tf

    if isinstance(spec, tf.TensorSpec):
        dims = "?" if spec.shape.rank is None else str(tuple(spec.shape.as_list()))
        return f"{spec.dtype.name} {dims}"
    return str(spec)


def _name(fn: object) -> str:
    name = getattr(fn, "__name__", None) or type(fn).__name__
    return str(name)


def _concrete(fn: object, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Trace ``fn`` with the example arguments, or take it as already traced."""
    import tensorflow as tf

    if isinstance(fn, tf.types.experimental.ConcreteFunction) or hasattr(fn, "graph"):
        if args or kwargs:
            msg = (
                "graph_diagram(fn=...) got a concrete function, which is already "
                "traced: pass no example arguments with it"
            )
            raise TypeError(msg)
        return fn
    if isinstance(fn, tf.types.experimental.PolymorphicFunction):
        if args or kwargs or fn.input_signature is not None:
            return fn.get_concrete_function(*args, **kwargs)
        try:
            return fn.get_concrete_function()
        except TypeError as err:
            msg = (
                f"graph_diagram(fn={fn.name}) needs example arguments to trace "
                f"with, e.g. graph_diagram({fn.name}, tf.TensorSpec([None, 3], "
                "tf.float32)), or a tf.function with an input_signature"
            )
            raise ValueError(msg) from err
    if callable(fn):
        msg = (
            "graph_diagram(fn=...) expects a tf.function or a concrete function; "
            f"got the plain Python callable {_name(fn)!r}. Wrap it first: "
            f"graph_diagram(tf.function({_name(fn)}), ...)"
        )
        raise TypeError(msg)
    msg = (
        "graph_diagram(fn=...) expects a tf.function or a concrete function; "
        f"got {type(fn).__name__}"
    )
    raise TypeError(msg)


def _input_nodes(concrete: Any) -> dict[str, Node]:
    """Boxes for the Placeholders: arguments, captured variables and tensors."""
    variables = {id(v.handle): v.name.split(":")[0] for v in concrete.variables}
    captured = {
        inner.op.name: variables.get(id(outer))
        for outer, inner in concrete.graph.captures
    }
    nodes = {}
    for op in concrete.graph.get_operations():
        if op.type != "Placeholder":
            continue
        if variable := captured.get(op.name):
            nodes[op.name] = Node(op.name, variable, (op.name,), "variable")
        elif op.name in captured:
            nodes[op.name] = Node(
                op.name, op.type, (op.name, "captured tensor"), "input"
            )
        else:
            nodes[op.name] = Node(op.name, op.type, (op.name,), "input")
    return nodes


def _source(tensor: tf.Tensor, kept: set[str]) -> tuple[str | None, tf.Tensor]:
    """Find the kept op that produced ``tensor``, looking through folded ops."""
    op = tensor.op
    while op.name not in kept and op.type in _PASS_THROUGH:
        tensor = op.inputs[tensor.value_index if op.type == "IdentityN" else 0]
        op = tensor.op
    return (op.name if op.name in kept else None), tensor


def graph_diagram(
    fn: Any, *args: Any, fold_bookkeeping: bool = True, **kwargs: Any
) -> Diagram:
    """Draw the graph that ``tf.function`` traces for the given inputs.

    Parameters
    ----------
    fn : tf.function or ConcreteFunction
        A ``tf.function`` (traced here with ``args`` and ``kwargs``) or a
        concrete function it already traced (then pass no arguments).
    *args, **kwargs
        Example arguments: tensors, ``tf.TensorSpec`` s or Python values.
        Not needed when ``fn`` has an ``input_signature``.
    fold_bookkeeping : bool, default True
        Hide ``Identity``, ``IdentityN``, ``ReadVariableOp``, ``Const``,
        ``NoOp`` and ``VarHandleOp`` and reconnect around them (see the
        module notes). ``False`` draws every op and the control edges.

    Returns
    -------
    Diagram
        One box per op (type and name); arrows carry dtype and shape.

    Raises
    ------
    TypeError
        If ``fn`` is not a ``tf.function`` or a concrete function, or if a
        concrete function comes with arguments.
    ValueError
        If a ``tf.function`` needs example arguments and got none.

    Examples
    --------
    >>> @tf.function
    ... def f(x):
    ...     return tf.nn.relu(x * 2.0)
    >>> d = graph_diagram(f, tf.TensorSpec([None, 3], tf.float32))
    >>> [n.title for n in d.nodes]
    ['Placeholder', 'Mul', 'Relu']
    >>> d.edges[0].label
    'float32 (None, 3)'
    >>> len(graph_diagram(f, tf.ones([2, 3]), fold_bookkeeping=False).nodes)
    5
    """
    concrete = _concrete(fn, args, kwargs)
    ops = concrete.graph.get_operations()
    inputs = _input_nodes(concrete)
    kept = {op.name for op in ops}
    if fold_bookkeeping:
        kept = {op.name for op in ops if op.type not in _PASS_THROUGH | _DROPPED}
        kept |= {_source(t, set())[1].op.name for t in concrete.outputs}
    results: dict[str, list[int]] = {}
    for i, tensor in enumerate(concrete.outputs):
        results.setdefault(str(_source(tensor, kept)[0]), []).append(i)
    nodes = []
    for op in ops:
        if op.name not in kept:
            continue
        node = inputs.get(op.name, Node(op.name, op.type, (op.name,), "op"))
        if op.name in results:
            which = ", ".join(map(str, results[op.name]))
            extra = (f"output{'s' if len(results[op.name]) > 1 else ''} {which}",)
            kind = "output" if node.kind == "op" else node.kind
            node = node._replace(subtitle=node.subtitle + extra, kind=kind)
        nodes.append(node)
    edges, control = [], []
    for op in ops:
        if op.name not in kept:
            continue
        for tensor in op.inputs:
            src, _ = _source(tensor, kept)
            if src is not None:
                edges.append(Edge(src, op.name, _shape_label(tensor)))
        if not fold_bookkeeping:
            control += [Edge(c.name, op.name, "control") for c in op.control_inputs]
    data = {(e.src, e.dst) for e in edges}
    dashed = [(e.src, e.dst) for e in control if (e.src, e.dst) not in data]
    name = re.sub(r"^__inference_(.*)_\d+$", r"\1", str(concrete.graph.name))
    how = "bookkeeping ops folded" if fold_bookkeeping else "all ops"
    title = f"Graph traced for {name} ({how})"
    return render_diagram(nodes, edges + control, title=title, dashed=dashed)


def tracing_summary(fn: Any) -> TracingSummary:
    """Count the traces of a ``tf.function`` and list their input signatures.

    TensorFlow 2.21 has no public list of a function's concrete functions, so
    this reads the private ``_list_all_concrete_functions()`` (and lists no
    signatures if a later release removes it); the count is the public
    ``experimental_get_tracing_count()``.

    Parameters
    ----------
    fn : tf.function
        The decorated function, after some calls.

    Returns
    -------
    TracingSummary
        ``count`` and one readable ``signatures`` entry per concrete function.

    Raises
    ------
    TypeError
        If ``fn`` is not a ``tf.function``.

    Examples
    --------
    >>> @tf.function
    ... def double(x):
    ...     return x * 2
    >>> _ = double(tf.constant([1.0, 2.0])), double(3), double(4)
    >>> tracing_summary(double)
    TracingSummary: 3 traces
      1. (x: float32 (2,))
      2. (x: Literal[3])
      3. (x: Literal[4])
    """
    import tensorflow as tf

    if not isinstance(fn, tf.types.experimental.PolymorphicFunction):
        msg = f"tracing_summary(fn=...) expects a tf.function; got {type(fn).__name__}"
        raise TypeError(msg)
    concretes: list[Any] = getattr(fn, "_list_all_concrete_functions", list)()
    signatures = tuple(
        "("
        + ", ".join(
            f"{p.name}: {_spec_label(p.type_constraint)}"
            for p in c.function_type.parameters.values()
        )
        + ")"
        for c in concretes
    )
    return TracingSummary(fn.experimental_get_tracing_count(), signatures)
