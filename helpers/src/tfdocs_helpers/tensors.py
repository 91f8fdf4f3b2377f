"""Show tensors and arrays as rich, self-contained HTML.

:func:`show_tensor` renders eager TensorFlow values and NumPy arrays for
notebook cells and sphinx-gallery blocks: a header, then a heat-mapped table,
labelled 2-D slices or an inline PNG. Inline styles only, every text escaped;
TensorFlow and Matplotlib are imported only when a value needs them.
"""

from __future__ import annotations

import base64
import html
import io
import math
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

__all__ = ["TensorView", "register_ipython", "show_tensor"]

_ELL = "\u2026"
_TEXT_MAX = 60  # longer strings are cut short with an ellipsis
_INK, _MUTED, _LINE = "#1f2328", "#57606a", "#d0d7de"
_FONT = "font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace"
_BOX = (
    "max-width:100%;overflow-x:auto;box-sizing:border-box;margin:0.5em 0;"
    f"padding:6px 8px;background:#ffffff;color:{_INK};border:1px solid {_LINE};"
    f"border-radius:4px;{_FONT};font-size:13px;line-height:1.4"
)
_TABLE = (
    "border-collapse:collapse;table-layout:auto;margin:4px 0;font-size:inherit;"
    f"background:#ffffff;color:{_INK};{_FONT}"
)
# Every cell sets its own background, so a theme's striped or hovered rows
# (JupyterLab's dark theme, Sphinx themes) never put dark text on a dark row.
_CELL = f"padding:1px 6px;border:1px solid {_LINE};white-space:pre"
_TD = f"{_CELL};color:{_INK};text-align:"
_PLAIN = "#ffffff"
_TH = f"{_CELL};background:#f3f4f6;color:{_MUTED};font-weight:normal"
_NOTE = f"color:{_MUTED};font-style:italic;margin:2px 0"
_TRUE_TINT = "#d3f5dc"
_KINDS = {"b": "bool", "i": "int", "u": "int", "f": "float", "c": "complex"}
_EXPECTED = (
    "a tf.Tensor, tf.Variable, tf.RaggedTensor, tf.SparseTensor or numpy.ndarray"
)
_SYMBOLIC = (
    "show_tensor(value=...) got a symbolic (graph-mode) {}; values are only "
    "available for eager tensors, so call it outside tf.function and tf.Graph"
)


@dataclass(frozen=True, repr=False)
class TensorView:
    """A tensor rendered as HTML, shown by Jupyter and sphinx-gallery.

    Attributes
    ----------
    kind, dtype : str
        ``"Tensor"``, ``"Variable"``, ``"RaggedTensor"``, ``"SparseTensor"`` or
        ``"ndarray"``; the dtype name.
    shape : tuple of int or None
        The shape; ``None`` marks a ragged dimension.
    name : str or None
        The caption given to :func:`show_tensor`.
    html : str
        The self-contained HTML, also returned by ``_repr_html_()``.

    Examples
    --------
    >>> view = show_tensor(np.arange(3))
    >>> view.kind, view.shape
    ('ndarray', (3,))
    """

    kind: str
    shape: tuple[int | None, ...]
    dtype: str
    name: str | None
    html: str

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        """Return a one-line summary."""
        name = f" {self.name!r}" if self.name else ""
        shape = _fmt_shape(self.shape)
        return f"TensorView({self.kind}{name}, shape={shape}, dtype={self.dtype})"


@dataclass(frozen=True)
class _Source:
    kind: str
    shape: tuple[int | None, ...]
    dtype: str
    values: NDArray[Any]  # dense values, ragged flat values or sparse values
    extra: tuple[tuple[str, str], ...] = ()  # device, variable name
    rows: list[Any] | None = None  # ragged rows as nested lists
    indices: NDArray[Any] | None = None  # sparse indices, shape (nnz, rank)


@dataclass(frozen=True)
class _Opts:
    max_rows: int
    max_cols: int
    max_slices: int
    precision: int
    heatmap: bool
    as_image: bool | None


def show_tensor(
    value: object,
    *,
    name: str | None = None,
    max_rows: int = 8,
    max_cols: int = 8,
    max_slices: int = 4,
    precision: int = 4,
    heatmap: bool = True,
    as_image: bool | None = None,
) -> TensorView:
    """Render a tensor or array as HTML.

    Parameters
    ----------
    value : tf.Tensor, tf.Variable, tf.RaggedTensor, tf.SparseTensor or array_like
        An eager TensorFlow value (a ``keras.Variable`` shows as its
        ``tf.Variable``), a NumPy array or scalar, or a Python list, tuple,
        int, float or bool.
    name : str, optional
        A caption for the header.
    max_rows, max_cols, max_slices : int
        Rows, columns and 2-D slices (rank >= 3) shown before eliding with ``…``.
    precision : int
        Digits after the decimal point for floats.
    heatmap : bool
        Tint numeric cells by value, and ``True`` booleans.
    as_image : bool, optional
        Show as a PNG: ``True`` for ``(H, W)`` or ``(H, W, 1|3|4)`` values;
        ``None`` for ``(H, W, 1|3)`` with ``H, W >= 8``; ``False`` never.

    Returns
    -------
    TensorView
        Its ``_repr_html_()`` returns the HTML.

    Raises
    ------
    TypeError
        For an unsupported or symbolic (graph-mode) value or a mistyped option.
    ValueError
        For an option out of range, or ``as_image=True`` on a non-image shape.

    Examples
    --------
    >>> view = show_tensor(tf.constant([[1, 2], [3, 4]]), name="x")
    >>> "shape=(2, 2)" in view._repr_html_()
    True
    >>> view
    TensorView(Tensor 'x', shape=(2, 2), dtype=int32)
    """
    _check_type("name", name, (str, type(None)), "a str or None")
    _check_type("heatmap", heatmap, bool, "a bool")
    _check_type("as_image", as_image, (bool, type(None)), "a bool or None")
    rows, cols = _count("max_rows", max_rows, 1), _count("max_cols", max_cols, 1)
    slices, digits = (
        _count("max_slices", max_slices, 1),
        _count("precision", precision, 0),
    )
    opts = _Opts(rows, cols, slices, digits, heatmap, as_image)
    src = _describe(value)
    title = f"{src.kind} {name}" if name else src.kind
    aria = f"{title}, shape {_fmt_shape(src.shape)}, dtype {src.dtype}"
    body = _header(src, name) + _body(src, opts)
    page = _el("div", body, _BOX, role="figure", aria_label=aria)
    return TensorView(src.kind, src.shape, src.dtype, name, page)


def register_ipython(ip: Any = None) -> None:
    """Show TensorFlow values with :func:`show_tensor` in IPython and Jupyter.

    Registers an HTML formatter for eager tensors, variables, ragged and sparse
    tensors; call ``register_ipython()`` once in a notebook. Symbolic tensors
    keep their plain repr.

    Parameters
    ----------
    ip : IPython.core.interactiveshell.InteractiveShell, optional
        The shell; by default the running one.

    Raises
    ------
    RuntimeError
        If ``ip`` is not given and no IPython shell is running.
    TypeError
        If ``ip`` has no ``display_formatter.formatters["text/html"]``.

    Examples
    --------
    >>> from types import SimpleNamespace as NS
    >>> seen = []
    >>> fmt = NS(for_type=lambda cls, func: seen.append(cls))
    >>> register_ipython(NS(display_formatter=NS(formatters={"text/html": fmt})))
    >>> tf.RaggedTensor in seen
    True
    """
    if ip is None:
        try:
            import IPython
        except ImportError as err:
            msg = "register_ipython() needs IPython, which is not installed"
            raise RuntimeError(msg) from err
        ip = IPython.get_ipython()
        if ip is None:
            msg = "register_ipython() found no running IPython; pass ip=..."
            raise RuntimeError(msg)
    formatters = getattr(getattr(ip, "display_formatter", None), "formatters", None)
    if not isinstance(formatters, dict) or "text/html" not in formatters:
        got = type(ip).__name__
        msg = f"register_ipython(ip=...) expects an IPython shell; got {got}"
        raise TypeError(msg)
    import tensorflow as tf

    classes = (type(tf.constant(0)), tf.Tensor, type(tf.Variable(0)), tf.Variable)
    for cls in (*classes, tf.RaggedTensor, tf.SparseTensor):
        formatters["text/html"].for_type(cls, _ipython_html)


def _ipython_html(value: object) -> str | None:
    try:
        return show_tensor(value).html
    except TypeError:  # a symbolic tensor: IPython falls back to the plain repr
        return None


def _check_type(key: str, value: object, types: Any, expected: str) -> None:
    if not isinstance(value, types):
        msg = f"show_tensor({key}=...) expects {expected}; got {type(value).__name__}"
        raise TypeError(msg)


def _count(key: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        msg = f"show_tensor({key}=...) expects an int; got {type(value).__name__}"
        raise TypeError(msg)
    if value < minimum:
        sign = "positive" if minimum else "non-negative"
        msg = f"{key} must be a {sign} integer; got {value}"
        raise ValueError(msg)
    return int(value)


def _describe(value: object) -> _Source:
    if isinstance(value, (np.ndarray, np.generic, list, tuple, int, float)):
        arr = _as_array(value)
        return _Source("ndarray", tuple(arr.shape), str(arr.dtype), arr)
    keras = sys.modules.get("keras")
    if keras is not None and isinstance(value, keras.Variable):
        value = value.value  # the backend's variable: a tf.Variable with TensorFlow
    src = _describe_tf(value) if "tensorflow" in sys.modules else None
    if src is None:
        cls = type(value)
        got = cls.__qualname__
        got = got if cls.__module__ == "builtins" else f"{cls.__module__}.{got}"
        msg = f"show_tensor(value=...) expects {_EXPECTED}; got {got}"
        raise TypeError(msg)
    return src


def _as_array(value: object) -> NDArray[Any]:
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError) as err:
        kind = type(value).__name__
        msg = f"show_tensor(value=...) could not make an array of the {kind}: {err}"
        raise TypeError(msg) from err
    if arr.dtype.kind == "V":  # bfloat16 and the other ml_dtypes floats
        try:
            return arr.astype(np.float64)
        except (TypeError, ValueError):
            return arr.astype(object)
    return arr


def _describe_tf(value: object) -> _Source | None:
    import tensorflow as tf

    def eager(what: str, tensor: Any) -> Any:
        if not tf.executing_eagerly() or tf.is_symbolic_tensor(tensor):
            raise TypeError(_SYMBOLIC.format(what))
        return tensor

    dtype = getattr(getattr(value, "dtype", None), "name", "")
    if isinstance(value, tf.RaggedTensor):
        flat = eager("tf.RaggedTensor", value.flat_values)
        arr, shape = _as_array(flat.numpy()), tuple(value.shape.as_list())
        extra = (("device", flat.device),)
        return _Source("RaggedTensor", shape, dtype, arr, extra, rows=value.to_list())
    if isinstance(value, tf.SparseTensor):
        vals = eager("tf.SparseTensor", value.values)
        shape = tuple(int(d) for d in value.dense_shape.numpy())
        arr, extra = _as_array(vals.numpy()), (("device", vals.device),)
        where = value.indices.numpy()
        return _Source("SparseTensor", shape, dtype, arr, extra, indices=where)
    if isinstance(value, (tf.Variable, tf.Tensor)):
        kind = "Variable" if isinstance(value, tf.Variable) else "Tensor"
        arr = _as_array(eager(f"tf.{kind}", value).numpy())
        var = (("variable", value.name),) if kind == "Variable" else ()
        extra = (*var, ("device", value.device))
        return _Source(kind, tuple(arr.shape), dtype, arr, extra)
    return None


# -- HTML ---------------------------------------------------------------------


def _el(tag: str, inner: str, style: str = "", **attrs: str) -> str:
    """Return ``<tag ...>inner</tag>``; ``inner`` must be escaped already."""
    pairs = ([("style", style)] if style else []) + list(attrs.items())
    attr = "".join(f' {k.replace("_", "-")}="{html.escape(v)}"' for k, v in pairs)
    return f"<{tag}{attr}>{inner}</{tag}>"


def _th(text: str) -> str:
    return _el("th", html.escape(text), _TH)


def _note(text: str) -> str:
    return _el("div", html.escape(text), _NOTE)


def _table(rows: Sequence[str]) -> str:
    return _el("table", "".join(_el("tr", row) for row in rows), _TABLE)


_ELL_TD = _el("td", _ELL, f"{_TD}center;background-color:{_PLAIN}")


def _fmt_shape(dims: Sequence[int | None]) -> str:
    inner = ", ".join(str(d) for d in dims)
    return f"({inner},)" if len(dims) == 1 else f"({inner})"


def _pick(n: int, limit: int) -> list[int | None]:
    """Return the indices to show; ``None`` stands for the elided middle."""
    if n <= limit:
        return list(range(n))
    head, tail = (limit + 1) // 2, limit // 2
    return [*range(head), None, *range(n - tail, n)]


def _fmt_float(x: float, precision: int) -> str:
    if not math.isfinite(x):
        return str(x)
    if x != 0 and not 1e-4 <= abs(x) < 1e8:
        return np.format_float_scientific(x, precision=precision, trim="0")
    return np.format_float_positional(x, precision=precision, trim="0")


def _heat(t: float) -> str:
    """Return a light-to-mid blue for ``t`` in [0, 1]; dark text reads on it."""
    lo, hi = (247, 251, 255), (107, 174, 214)
    r, g, b = (round(a + (z - a) * t) for a, z in zip(lo, hi, strict=True))
    return f"#{r:02x}{g:02x}{b:02x}"


class _Cells:
    """Format and tint cells; the tint range spans all the finite values."""

    def __init__(self, values: NDArray[Any], opts: _Opts) -> None:
        self.kind = _KINDS.get(values.dtype.kind, "text")
        self.precision, self.heatmap = opts.precision, opts.heatmap
        self.range: tuple[float, float] | None = None
        if opts.heatmap and self.kind in ("int", "float"):
            finite = values[np.isfinite(values)].astype(np.float64)
            if finite.size:
                self.range = (float(finite.min()), float(finite.max()))

    def text(self, x: Any) -> str:
        p = self.precision
        if isinstance(x, list):  # a ragged row's element with inner dimensions
            text = "[" + ", ".join(self.text(e) for e in x) + "]"
        elif self.kind in ("bool", "int"):
            text = str(bool(x) if self.kind == "bool" else int(x))
        elif self.kind == "float":
            text = _fmt_float(float(x), p)
        elif self.kind == "complex":
            z = complex(x)
            sign = "-" if z.imag < 0 else "+"
            text = f"{_fmt_float(z.real, p)}{sign}{_fmt_float(abs(z.imag), p)}j"
        else:
            text = x.decode("utf-8", "replace") if isinstance(x, bytes) else str(x)
            text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
        return text if len(text) <= _TEXT_MAX else text[: _TEXT_MAX - 1] + _ELL

    def td(self, x: Any) -> str:
        align = "left" if self.kind == "text" else "right"
        tint = None if isinstance(x, list) else self._tint(x)
        style = f"{_TD}{align};background-color:{tint or _PLAIN}"
        return _el("td", html.escape(self.text(x)), style)

    def _tint(self, x: Any) -> str | None:
        if self.kind == "bool":
            return _TRUE_TINT if self.heatmap and bool(x) else None
        if self.range is None or not math.isfinite(v := float(x)):
            return None
        lo, hi = self.range
        return _heat(0.5 if hi == lo else (v - lo) / (hi - lo))


def _header(src: _Source, name: str | None) -> str:
    parts = [_el("strong", html.escape(src.kind))]
    if name:
        parts.append(_el("strong", html.escape(name), "color:#0a3069"))
    fields = [("shape", _fmt_shape(src.shape)), ("dtype", src.dtype), *src.extra]
    muted = f"color:{_MUTED}"
    parts += [_el("span", html.escape(f"{k}={v}"), muted) for k, v in fields if v]
    return _el("div", " ".join(parts), "margin-bottom:4px;white-space:normal")


def _body(src: _Source, opts: _Opts) -> str:
    if _wants_image(src, opts.as_image):
        return _image(src)
    cells = _Cells(src.values, opts)
    if src.rows is not None:
        return _ragged(src.rows, cells, opts)
    if src.indices is not None:
        return _sparse(src, src.indices, cells, opts)
    arr = src.values
    if arr.size == 0:
        return _note("(empty: no values)")
    if arr.ndim == 0:
        return _table([cells.td(arr[()])])
    if arr.ndim <= 2:
        return _grid(arr.reshape(-1, arr.shape[-1]), cells, opts, labels=arr.ndim == 2)
    return _slices(arr, cells, opts)


def _grid(arr: NDArray[Any], cells: _Cells, opts: _Opts, *, labels: bool) -> str:
    cols = _pick(arr.shape[1], opts.max_cols)
    corner = _th("") if labels else ""
    rows = [corner + "".join(_th(_ELL if c is None else str(c)) for c in cols)]
    for r in _pick(arr.shape[0], opts.max_rows):
        head = _th(_ELL if r is None else str(r)) if labels else ""
        tds = (_ELL_TD if r is None or c is None else cells.td(arr[r, c]) for c in cols)
        rows.append(head + "".join(tds))
    return _table(rows)


def _slices(arr: NDArray[Any], cells: _Cells, opts: _Opts) -> str:
    lead = arr.shape[:-2]
    total = math.prod(lead)
    picks, parts = _pick(total, opts.max_slices), []
    for k in picks:
        if k is None:
            omitted = total - len(picks) + 1
            parts.append(_note(f"{_ELL} {omitted} of {total} slices omitted"))
            continue
        idx = tuple(int(i) for i in np.unravel_index(k, lead))
        label = "[" + ", ".join([*map(str, idx), ":", ":"]) + "]"
        parts.append(_el("div", html.escape(label), f"color:{_MUTED};margin-top:6px"))
        parts.append(_grid(arr[idx], cells, opts, labels=True))
    return "".join(parts)


def _ragged(rows: list[Any], cells: _Cells, opts: _Opts) -> str:
    out = []
    for r in _pick(len(rows), opts.max_rows):
        if r is None:
            out.append(_th(_ELL) + _ELL_TD)
            continue
        cols = _pick(len(rows[r]), opts.max_cols)
        tds = (_ELL_TD if c is None else cells.td(rows[r][c]) for c in cols)
        out.append(_th(f"[{r}]") + "".join(tds))
    return _table(out) if rows else _note("(empty: no rows)")


def _sparse(src: _Source, indices: NDArray[Any], cells: _Cells, opts: _Opts) -> str:
    nnz, size = len(src.values), math.prod(d or 0 for d in src.shape)
    rows = [_th("index") + _th("value")]
    for k in _pick(nnz, opts.max_rows):
        if k is None:
            rows.append(_th(_ELL) + _ELL_TD)
            continue
        where = "[" + ", ".join(str(int(i)) for i in indices[k]) + "]"
        rows.append(_th(where) + cells.td(src.values[k]))
    density = f"{nnz}/{size} = {nnz / size:.2%}" if size else "n/a"
    shape = _fmt_shape(src.shape)
    summary = f"dense shape {shape}, {nnz} stored values, density {density}"
    return (_table(rows) if nnz else _note("(no stored values)")) + _note(summary)


def _wants_image(src: _Source, as_image: bool | None) -> bool:
    shape, dense = src.values.shape, src.rows is None and src.indices is None
    fits = dense and src.values.dtype.kind in "biuf" and src.values.size > 0
    if as_image is None:
        return fits and len(shape) == 3 and shape[2] in (1, 3) and min(shape[:2]) >= 8
    image_shape = len(shape) == 2 or (len(shape) == 3 and shape[2] in (1, 3, 4))
    if as_image and not (fits and image_shape):
        msg = (
            "as_image=True needs a dense numeric tensor of shape (H, W) or "
            f"(H, W, 1|3|4); got a {src.kind} of shape {_fmt_shape(src.shape)} "
            f"and dtype {src.dtype}"
        )
        raise ValueError(msg)
    return as_image


def _image(src: _Source) -> str:
    from matplotlib import image as mpimg  # not pyplot: no global figure state

    arr = src.values.astype(np.float64)
    finite = arr[np.isfinite(arr)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if src.values.dtype.kind in "iu" and lo >= 0 and hi <= 255:
        arr = arr / 255
    elif lo < 0 or hi > 1:
        arr = (arr - lo) / (hi - lo) if hi > lo else np.zeros_like(arr)
    arr = np.clip(np.nan_to_num(arr, nan=0.0, posinf=1.0, neginf=0.0), 0.0, 1.0)
    arr = arr[:, :, 0] if arr.ndim == 3 and arr.shape[2] == 1 else arr
    buf = io.BytesIO()
    no_version: dict[str, Any] = {"Software": None}  # same bytes on any Matplotlib
    mpimg.imsave(
        buf, arr, format="png", cmap="gray", vmin=0, vmax=1, metadata=no_version
    )
    uri = "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
    height, width = arr.shape[:2]
    scale = max(1, min(8, 160 // max(height, width)))
    style = f"width:{width * scale}px;max-width:100%;height:auto"
    alt = f"{src.kind} as an image: shape {_fmt_shape(src.shape)}, dtype {src.dtype}"
    attrs = {"src": uri, "alt": alt, "style": f"{style};image-rendering:pixelated"}
    img = "<img" + "".join(f' {k}="{html.escape(v)}"' for k, v in attrs.items())
    return _el("div", img + " />")
