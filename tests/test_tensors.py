"""Tests for tfdocs_helpers.tensors: rich HTML views of tensors and arrays."""

from __future__ import annotations

import base64
import io
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import tensorflow as tf

from tfdocs_helpers.tensors import TensorView, register_ipython, show_tensor

ELL = "\u2026"
LIGHTEST, DARKEST = "#f7fbff", "#6baed6"


def parse(view: TensorView) -> ET.Element:
    """The HTML is well-formed XML too, so ElementTree can check its structure."""
    return ET.fromstring(view.html)


def tables(view: TensorView) -> list[ET.Element]:
    return parse(view).findall(".//table")


def rows(table: ET.Element) -> list[list[ET.Element]]:
    return [list(tr) for tr in table.findall("tr")]


def texts(cells: list[ET.Element]) -> list[str]:
    return [cell.text or "" for cell in cells]


def data_cells(view: TensorView) -> list[ET.Element]:
    return parse(view).findall(".//td")


def tint(cell: ET.Element) -> str | None:
    """The cell's background colour, or None for plain white."""
    for decl in cell.get("style", "").split(";"):
        if decl.startswith("background-color:"):
            colour = decl.split(":", 1)[1]
            return None if colour == "#ffffff" else colour
    return None


def tints(view: TensorView) -> set[str | None]:
    return {tint(cell) for cell in parse(view).iter() if cell.tag in ("td", "th")}


def header_text(view: TensorView) -> str:
    return "".join(parse(view)[0].itertext())


# -- header and wrapper -------------------------------------------------------


def test_wrapper_is_one_scrollable_figure_with_explicit_colours() -> None:
    view = show_tensor(tf.constant([[1, 2], [3, 4]]), name="x")
    root = parse(view)
    assert root.tag == "div"
    assert root.get("role") == "figure"
    assert root.get("aria-label") == "Tensor x, shape (2, 2), dtype int32"
    style = root.get("style", "")
    for decl in ("max-width:100%", "overflow-x:auto", "background:#ffffff"):
        assert decl in style
    assert "color:#1f2328" in style
    assert "monospace" in tables(view)[0].get("style", "")
    assert "background:" in tables(view)[0].get("style", "")
    for bad in ("<style", "<script", "class=", "<link", "http"):
        assert bad not in view.html


def test_header_for_tensor_has_kind_name_shape_dtype_device() -> None:
    text = header_text(show_tensor(tf.constant([[1.0, 2.0]]), name="weights"))
    assert text.startswith("Tensor weights shape=(1, 2) dtype=float32 device=")
    assert "CPU:0" in text


def test_header_for_numpy_has_no_device() -> None:
    view = show_tensor(np.arange(3, dtype=np.int16))
    assert header_text(view) == "ndarray shape=(3,) dtype=int16"
    assert (view.kind, view.shape, view.dtype, view.name) == (
        "ndarray",
        (3,),
        "int16",
        None,
    )


def test_header_for_variable_shows_variable_name() -> None:
    view = show_tensor(tf.Variable([1.0, 2.0], name="bias"))
    text = header_text(view)
    assert text.startswith("Variable shape=(2,) dtype=float32 variable=bias:0 device=")


def test_keras_variable_is_shown_as_its_tf_variable() -> None:
    import keras

    layer = keras.layers.Dense(3)
    layer.build((None, 2))
    view = show_tensor(layer.kernel)
    assert view.kind == "Variable"
    assert "variable=dense" in header_text(view)
    assert view.shape == (2, 3)


def test_repr_html_returns_the_html() -> None:
    view = show_tensor(np.ones((2, 2)), name="ones")
    assert view._repr_html_() == view.html
    assert repr(view) == "TensorView(ndarray 'ones', shape=(2, 2), dtype=float64)"
    assert (
        repr(show_tensor(np.float32(1)))
        == "TensorView(ndarray, shape=(), dtype=float32)"
    )


def test_view_is_immutable() -> None:
    view = show_tensor(np.ones(2))
    with pytest.raises(AttributeError):
        view.html = "<b>changed</b>"  # type: ignore[misc]


# -- values -------------------------------------------------------------------


def test_rank0_is_a_single_cell() -> None:
    view = show_tensor(tf.constant(3.25))
    assert texts(data_cells(view)) == ["3.25"]
    assert parse(view).findall(".//th") == []


def test_rank1_is_one_row_with_column_indices() -> None:
    (table,) = tables(show_tensor(np.array([5, 6, 7])))
    head, row = rows(table)
    assert texts(head) == ["0", "1", "2"]
    assert texts(row) == ["5", "6", "7"]


def test_rank2_is_a_labelled_grid() -> None:
    (table,) = tables(show_tensor(np.array([[1, 2, 3], [4, 5, 6]])))
    grid = rows(table)
    assert texts(grid[0]) == ["", "0", "1", "2"]
    assert [texts(r) for r in grid[1:]] == [["0", "1", "2", "3"], ["1", "4", "5", "6"]]


def test_truncation_keeps_first_and_last_rows_and_columns() -> None:
    view = show_tensor(np.arange(400).reshape(20, 20), max_rows=8, max_cols=6)
    grid = rows(tables(view)[0])
    assert texts(grid[0])[1:] == ["0", "1", "2", ELL, "17", "18", "19"]
    assert [r[0].text for r in grid[1:]] == [
        "0",
        "1",
        "2",
        "3",
        ELL,
        "16",
        "17",
        "18",
        "19",
    ]
    assert len(grid) == 1 + 8 + 1
    assert all(len(r) == 1 + 6 + 1 for r in grid)
    assert texts(grid[1])[1:] == ["0", "1", "2", ELL, "17", "18", "19"]
    assert texts(grid[5])[1:] == [ELL] * 7  # the elided rows
    assert texts(grid[-1])[-1] == "399"
    assert "200" not in texts(data_cells(view))


def test_odd_limits_show_one_more_head_than_tail() -> None:
    (table,) = tables(show_tensor(np.arange(10), max_cols=3))
    assert texts(rows(table)[1]) == ["0", "1", ELL, "9"]
    (table,) = tables(show_tensor(np.arange(10), max_cols=1))
    assert texts(rows(table)[1]) == ["0", ELL]


def test_no_ellipsis_when_everything_fits() -> None:
    view = show_tensor(np.zeros((8, 8)))
    assert ELL not in view.html


def test_float_formatting_follows_precision() -> None:
    values = np.array([np.pi, 1.0, -0.5, 1.5e9, 2.5e-7, 0.0])
    shown = texts(data_cells(show_tensor(values, precision=2)))
    assert shown == ["3.14", "1.0", "-0.5", "1.5e+09", "2.5e-07", "0.0"]
    assert texts(data_cells(show_tensor(np.array([np.pi]), precision=0))) == ["3.0"]


def test_complex_values() -> None:
    shown = texts(data_cells(show_tensor(np.array([1 + 2j, 1.5 - 0.25j]))))
    assert shown == ["1.0+2.0j", "1.5-0.25j"]
    assert all(tint(c) is None for c in data_cells(show_tensor(np.array([1j]))))


def test_bfloat16_is_shown_as_numbers() -> None:
    view = show_tensor(tf.constant([1.5, 2.0], dtype=tf.bfloat16))
    assert view.dtype == "bfloat16"
    assert texts(data_cells(view)) == ["1.5", "2.0"]


def test_structured_arrays_fall_back_to_text() -> None:
    values = np.zeros(2, dtype=[("a", "i4"), ("b", "f4")])
    assert texts(data_cells(show_tensor(values))) == ["(0, 0.0)", "(0, 0.0)"]


def test_python_values_are_converted_with_numpy() -> None:
    assert show_tensor([[1, 2], [3, 4]]).shape == (2, 2)
    assert show_tensor((1.5,)).dtype == "float64"
    assert texts(data_cells(show_tensor(7))) == ["7"]
    assert texts(data_cells(show_tensor(True))) == ["True"]
    assert texts(data_cells(show_tensor(np.str_("hi")))) == ["hi"]


def test_empty_values_say_so() -> None:
    assert "(empty: no values)" in show_tensor(np.zeros((0, 3))).html
    assert "(empty: no values)" in show_tensor(tf.zeros((2, 0, 3))).html


# -- heatmap ------------------------------------------------------------------


def test_numeric_cells_are_tinted_from_min_to_max() -> None:
    cells = data_cells(show_tensor(np.array([[0, 5], [10, 2]])))
    tints = [tint(c) for c in cells]
    assert tints[0] == LIGHTEST
    assert tints[2] == DARKEST
    assert len(set(tints)) == 4


def test_tint_range_uses_the_full_tensor_not_the_visible_part() -> None:
    values = np.arange(100.0)
    values[50] = 1000.0  # hidden by truncation but still sets the range
    cells = data_cells(show_tensor(values, max_cols=4))
    assert tint(cells[-1]) != DARKEST
    assert tint(cells[0]) == LIGHTEST


def test_nan_and_inf_are_shown_plainly() -> None:
    cells = data_cells(show_tensor(np.array([1.0, np.nan, np.inf, -np.inf, 3.0])))
    assert texts(cells) == ["1.0", "nan", "inf", "-inf", "3.0"]
    assert [tint(c) is None for c in cells] == [False, True, True, True, False]
    assert tint(cells[0]) == LIGHTEST
    assert tint(cells[4]) == DARKEST


def test_all_nan_has_no_tint() -> None:
    cells = data_cells(show_tensor(np.full(3, np.nan)))
    assert all(tint(c) is None for c in cells)


def test_constant_tensor_gets_one_tint() -> None:
    tints = {tint(c) for c in data_cells(show_tensor(tf.fill((3, 3), 7)))}
    assert len(tints) == 1
    assert None not in tints


def test_heatmap_can_be_turned_off() -> None:
    view = show_tensor(np.arange(6).reshape(2, 3), heatmap=False)
    assert tints(view) == {None}
    assert tints(show_tensor([True], heatmap=False)) == {None}


def test_text_stays_dark_on_every_tint() -> None:
    for cell in data_cells(show_tensor(np.linspace(0, 1, 8))):
        assert "color:#1f2328" in cell.get("style", "")


@pytest.mark.parametrize(
    "value",
    [np.arange(100).reshape(10, 10), np.array(["a"]), tf.ragged.constant([[1], []])],
)
def test_every_cell_paints_its_own_light_background(value: object) -> None:
    # so a dark theme's striped or hovered rows never show through
    cells = [c for c in parse(show_tensor(value)).iter() if c.tag in ("td", "th")]
    assert cells
    for cell in cells:
        style = cell.get("style", "")
        assert "background" in style
        assert "color:" in style


def test_booleans_show_true_false_and_tint_only_true() -> None:
    cells = data_cells(show_tensor(np.array([True, False])))
    assert texts(cells) == ["True", "False"]
    assert tint(cells[0]) is not None
    assert tint(cells[0]) not in (LIGHTEST, DARKEST)
    assert tint(cells[1]) is None


# -- strings and escaping -----------------------------------------------------

MALICIOUS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"]


@pytest.mark.parametrize(
    "value",
    [
        tf.constant(MALICIOUS),
        np.array(MALICIOUS),
        np.array([s.encode() for s in MALICIOUS]),
    ],
    ids=["tf-string", "numpy-str", "numpy-bytes"],
)
def test_string_tensors_are_escaped_text(value: object) -> None:
    view = show_tensor(value, name="<b>name</b>")
    assert "<script" not in view.html
    assert "<img src=x" not in view.html
    assert "<b>" not in view.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in view.html
    assert "&lt;b&gt;name&lt;/b&gt;" in view.html
    root = parse(view)
    assert root.findall(".//script") == []
    assert root.findall(".//img") == []
    assert texts(data_cells(view)) == MALICIOUS
    assert tints(view) == {None}


def test_attribute_text_is_escaped() -> None:
    view = show_tensor(np.array(["x"]), name='" onmouseover="alert(1)')
    assert 'onmouseover="' not in view.html
    assert parse(view).get("onmouseover") is None
    assert parse(view).get("aria-label", "").startswith('ndarray " onmouseover=')


def test_bytes_are_decoded_leniently_and_control_characters_escaped() -> None:
    shown = texts(
        data_cells(show_tensor(tf.constant([b"caf\xc3\xa9", b"\xff!", b"a\nb"])))
    )
    assert shown == ["caf\u00e9", "\ufffd!", "a\\nb"]


def test_long_strings_are_cut_short() -> None:
    (cell,) = data_cells(show_tensor(np.array(["x" * 200])))
    assert cell.text is not None
    assert len(cell.text) == 60
    assert cell.text.endswith(ELL)


def test_object_arrays_show_their_str() -> None:
    shown = texts(data_cells(show_tensor(np.array([{"<a>": 1}, None], dtype=object))))
    assert shown == ["{'<a>': 1}", "None"]


# -- rank 3 and more ----------------------------------------------------------


def slice_labels(view: TensorView) -> list[str]:
    return [
        d.text or ""
        for d in parse(view).findall("div")
        if (d.text or "").startswith("[")
    ]


def test_rank3_is_shown_as_labelled_slices() -> None:
    view = show_tensor(tf.reshape(tf.range(24), (2, 3, 4)))
    assert slice_labels(view) == ["[0, :, :]", "[1, :, :]"]
    assert len(tables(view)) == 2
    assert texts(rows(tables(view)[1])[3])[-1] == "23"
    assert "omitted" not in view.html


def test_slices_past_max_slices_are_counted_in_a_note() -> None:
    view = show_tensor(np.zeros((10, 2, 2)), max_slices=4)
    assert slice_labels(view) == ["[0, :, :]", "[1, :, :]", "[8, :, :]", "[9, :, :]"]
    assert f"{ELL} 6 of 10 slices omitted" in view.html


def test_rank4_labels_index_every_leading_axis() -> None:
    view = show_tensor(np.zeros((2, 3, 2, 2)), max_slices=2)
    assert slice_labels(view) == ["[0, 0, :, :]", "[1, 2, :, :]"]
    assert "4 of 6 slices omitted" in view.html


def test_small_rank3_with_three_channels_is_not_an_image() -> None:
    view = show_tensor(np.zeros((4, 4, 3)))
    assert parse(view).findall(".//img") == []
    assert len(tables(view)) == 4


# -- images -------------------------------------------------------------------


def image_pixels(view: TensorView) -> np.ndarray:
    from matplotlib import image as mpimg

    (img,) = parse(view).findall(".//img")
    prefix = "data:image/png;base64,"
    src = img.get("src", "")
    assert src.startswith(prefix)
    data = base64.b64decode(src[len(prefix) :])
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert b"Matplotlib" not in data
    return np.asarray(mpimg.imread(io.BytesIO(data), format="png"))


def test_rgb_tensor_is_an_inline_png() -> None:
    value = tf.random.stateless_uniform((16, 12, 3), seed=(1, 2))
    view = show_tensor(value)
    (img,) = parse(view).findall(".//img")
    assert img.get("alt") == "Tensor as an image: shape (16, 12, 3), dtype float32"
    assert "width:" in img.get("style", "")
    assert tables(view) == []
    assert image_pixels(view).shape == (16, 12, 4)


def test_grayscale_uint8_image_keeps_its_levels() -> None:
    value = np.zeros((8, 8, 1), dtype=np.uint8)
    value[0, 0, 0] = 255
    value[1, 1, 0] = 51
    pixels = image_pixels(show_tensor(value))
    assert pixels[0, 0, 0] == pytest.approx(1.0)
    assert pixels[1, 1, 0] == pytest.approx(0.2)
    assert pixels[2, 2, 0] == pytest.approx(0.0)


def test_floats_outside_unit_range_are_min_max_scaled() -> None:
    value = np.linspace(-5.0, 5.0, 64).reshape(8, 8)
    value[3, 3] = np.nan
    pixels = image_pixels(show_tensor(value, as_image=True))
    assert pixels[0, 0, 0] == pytest.approx(0.0)
    assert pixels[7, 7, 0] == pytest.approx(1.0)
    assert pixels[3, 3, 0] == pytest.approx(0.0)


def test_large_ints_and_constants_are_scaled_too() -> None:
    pixels = image_pixels(show_tensor(np.arange(64).reshape(8, 8) * 100, as_image=True))
    assert (pixels[0, 0, 0], pixels[7, 7, 0]) == (
        pytest.approx(0.0),
        pytest.approx(1.0),
    )
    flat = image_pixels(show_tensor(np.full((8, 8, 1), 9.0)))
    assert flat[..., 0].max() == pytest.approx(0.0)


def test_as_image_true_accepts_small_and_rgba_images() -> None:
    assert image_pixels(show_tensor(np.ones((2, 3, 4)), as_image=True)).shape == (
        2,
        3,
        4,
    )
    assert image_pixels(show_tensor(np.full((2, 2), np.nan), as_image=True)).shape[
        :2
    ] == (2, 2)


def test_as_image_false_shows_a_table() -> None:
    view = show_tensor(np.zeros((8, 8, 3)), as_image=False)
    assert parse(view).findall(".//img") == []
    assert len(tables(view)) == 4


@pytest.mark.parametrize(
    "value",
    [
        np.zeros(5),
        np.zeros((8, 8, 2)),
        np.array([["a"]]),
        np.zeros((0, 4)),
        tf.ragged.constant([[1.0], [2.0, 3.0]]),
        tf.sparse.from_dense(tf.eye(3)),
    ],
)
def test_as_image_true_rejects_non_images(value: object) -> None:
    with pytest.raises(ValueError, match=r"as_image=True needs .* got a \w+ of shape"):
        show_tensor(value, as_image=True)


# -- ragged and sparse --------------------------------------------------------


def test_ragged_rows_have_their_own_lengths() -> None:
    view = show_tensor(tf.ragged.constant([[1, 2, 3], [4], [], [5, 6]]))
    assert view.shape == (4, None)
    assert "shape=(4, None)" in header_text(view)
    grid = rows(tables(view)[0])
    assert [texts(r) for r in grid] == [
        ["[0]", "1", "2", "3"],
        ["[1]", "4"],
        ["[2]"],
        ["[3]", "5", "6"],
    ]
    assert tint(grid[0][1]) == LIGHTEST
    assert tint(grid[3][2]) == DARKEST


def test_ragged_rows_and_values_are_truncated() -> None:
    value = tf.ragged.constant([list(range(n)) for n in range(1, 21)])
    grid = rows(tables(show_tensor(value, max_rows=4, max_cols=4))[0])
    assert [r[0].text for r in grid] == ["[0]", "[1]", ELL, "[18]", "[19]"]
    assert texts(grid[2]) == [ELL, ELL]
    assert texts(grid[-1]) == ["[19]", "0", "1", ELL, "18", "19"]


def test_ragged_strings_and_inner_dimensions() -> None:
    strings = show_tensor(tf.ragged.constant([["<b>", "x"], ["y"]]))
    assert "<b>" not in strings.html
    assert texts(data_cells(strings)) == ["<b>", "x", "y"]
    nested = tf.ragged.constant([[[1, 2]], [[3, 4], [5, 6]]], ragged_rank=1)
    view = show_tensor(nested)
    assert view.shape == (2, None, 2)
    assert texts(data_cells(view)) == ["[1, 2]", "[3, 4]", "[5, 6]"]
    assert all(tint(c) is None for c in data_cells(view))


def test_ragged_without_rows() -> None:
    empty = tf.RaggedTensor.from_row_lengths(
        tf.constant([], tf.int32), tf.constant([], tf.int64)
    )
    assert "(empty: no rows)" in show_tensor(empty).html


def test_sparse_lists_index_value_entries_and_density() -> None:
    value = tf.sparse.SparseTensor([[0, 1], [2, 3]], [1.5, 2.5], dense_shape=[3, 4])
    view = show_tensor(value)
    assert view.kind == "SparseTensor"
    assert view.shape == (3, 4)
    grid = rows(tables(view)[0])
    assert [texts(r) for r in grid] == [
        ["index", "value"],
        ["[0, 1]", "1.5"],
        ["[2, 3]", "2.5"],
    ]
    assert "dense shape (3, 4), 2 stored values, density 2/12 = 16.67%" in view.html


def test_sparse_entries_are_truncated() -> None:
    value = tf.sparse.from_dense(tf.reshape(tf.range(1, 31), (5, 6)))
    grid = rows(tables(show_tensor(value, max_rows=4))[0])
    assert [r[0].text for r in grid] == [
        "index",
        "[0, 0]",
        "[0, 1]",
        ELL,
        "[4, 4]",
        "[4, 5]",
    ]
    assert "30/30 = 100.00%" in show_tensor(value).html


def test_sparse_without_values() -> None:
    empty = tf.sparse.SparseTensor(tf.zeros((0, 2), tf.int64), tf.zeros((0,)), [2, 2])
    view = show_tensor(empty)
    assert tables(view) == []
    assert "(no stored values)" in view.html
    assert "density 0/4 = 0.00%" in view.html
    nothing = tf.sparse.SparseTensor(tf.zeros((0, 2), tf.int64), tf.zeros((0,)), [0, 2])
    assert "density n/a" in show_tensor(nothing).html


# -- determinism --------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: np.arange(300.0).reshape(3, 10, 10),
        lambda: tf.constant(["a", "<b>"]),
        lambda: tf.ragged.constant([[1], [2, 3]]),
        lambda: tf.sparse.from_dense(tf.eye(4)),
        lambda: np.linspace(0, 1, 192).reshape(8, 8, 3),
    ],
    ids=["rank3", "strings", "ragged", "sparse", "image"],
)
def test_same_input_gives_identical_html(make: Callable[[], object]) -> None:
    assert show_tensor(make(), name="t").html == show_tensor(make(), name="t").html


# -- bad input ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "got"),
    [
        ({"a": 1}, "got dict"),
        (None, "got NoneType"),
        ("data/images.npy", "got str"),
        (b"bytes", "got bytes"),
        ({1, 2}, "got set"),
        (object(), "got object"),
        (io.BytesIO(), "got _io.BytesIO"),
    ],
)
def test_unsupported_values_raise_type_error(value: object, got: str) -> None:
    with pytest.raises(
        TypeError, match=r"show_tensor\(value=\.\.\.\) expects a tf\.Tensor"
    ) as info:
        show_tensor(value)
    assert str(info.value).endswith(got)
    assert "numpy.ndarray" in str(info.value)


def test_ragged_python_lists_raise_type_error() -> None:
    with pytest.raises(
        TypeError,
        match=r"show_tensor\(value=\.\.\.\) could not make an array of the list",
    ):
        show_tensor([[1, 2], [3]])


@pytest.mark.parametrize(
    ("option", "bad", "match"),
    [
        ("max_rows", 0, "max_rows must be a positive integer; got 0"),
        ("max_cols", -1, "max_cols must be a positive integer; got -1"),
        ("max_slices", 0, "max_slices must be a positive integer; got 0"),
        ("precision", -1, "precision must be a non-negative integer; got -1"),
    ],
)
def test_out_of_range_options_raise_value_error(
    option: str, bad: int, match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        show_tensor(np.ones(2), **{option: bad})


@pytest.mark.parametrize(
    ("option", "bad", "match"),
    [
        ("max_rows", "3", r"show_tensor\(max_rows=\.\.\.\) expects an int; got str"),
        ("max_cols", 2.0, r"show_tensor\(max_cols=\.\.\.\) expects an int; got float"),
        (
            "precision",
            True,
            r"show_tensor\(precision=\.\.\.\) expects an int; got bool",
        ),
        ("name", 1, r"show_tensor\(name=\.\.\.\) expects a str or None; got int"),
        ("heatmap", "yes", r"show_tensor\(heatmap=\.\.\.\) expects a bool; got str"),
        (
            "as_image",
            1,
            r"show_tensor\(as_image=\.\.\.\) expects a bool or None; got int",
        ),
    ],
)
def test_mistyped_options_raise_type_error(
    option: str, bad: object, match: str
) -> None:
    with pytest.raises(TypeError, match=match):
        show_tensor(np.ones(2), **{option: bad})


def test_numpy_integers_are_fine_as_limits() -> None:
    view = show_tensor(np.arange(10), max_cols=np.int64(2), precision=np.int32(1))
    assert texts(data_cells(view)) == ["0", ELL, "9"]


def test_symbolic_tensors_raise_type_error() -> None:
    eager_only = r"symbolic \(graph-mode\) tf\.\w+; values are only available for eager"
    with tf.Graph().as_default():
        leaked = tf.constant([1, 2])
        for value in (
            leaked,
            tf.Variable(1.0),
            tf.ragged.constant([[1], [2, 3]]),
            tf.sparse.from_dense(tf.eye(2)),
        ):
            with pytest.raises(TypeError, match=eager_only):
                show_tensor(value)
    with pytest.raises(TypeError, match=r"show_tensor\(value=\.\.\.\) got a symbolic"):
        show_tensor(leaked)  # outside the graph, but still symbolic


def test_tensors_inside_tf_function_raise_type_error() -> None:
    errors: list[str] = []

    @tf.function
    def double(x: tf.Tensor) -> tf.Tensor:
        try:
            show_tensor(x)
        except TypeError as err:
            errors.append(str(err))
        return x * 2

    double(tf.constant(1.0))
    assert len(errors) == 1
    assert "tf.function" in errors[0]


# -- IPython ------------------------------------------------------------------


class FakeHTMLFormatter:
    def __init__(self) -> None:
        self.registered: dict[type, object] = {}

    def for_type(self, cls: type, func: object) -> None:
        self.registered[cls] = func


def fake_shell() -> tuple[SimpleNamespace, FakeHTMLFormatter]:
    formatter = FakeHTMLFormatter()
    shell = SimpleNamespace(
        display_formatter=SimpleNamespace(formatters={"text/html": formatter})
    )
    return shell, formatter


def test_register_ipython_with_a_stub_shell() -> None:
    shell, formatter = fake_shell()
    register_ipython(shell)
    expected = {
        type(tf.constant(0)),
        tf.Tensor,
        type(tf.Variable(0)),
        tf.Variable,
        tf.RaggedTensor,
        tf.SparseTensor,
    }
    assert set(formatter.registered) == expected
    func = formatter.registered[tf.Tensor]
    assert callable(func)
    assert func(tf.constant([1, 2])) == show_tensor(tf.constant([1, 2])).html
    with tf.Graph().as_default():
        assert func(tf.constant(1)) is None  # symbolic: IPython keeps the plain repr


def test_register_ipython_with_a_real_shell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    monkeypatch.setenv("IPYTHONDIR", str(tmp_path))  # keep ~/.ipython untouched
    config = Config()
    config.HistoryManager.enabled = False
    shell = InteractiveShell.instance(config=config)
    try:
        register_ipython(shell)
        data, _ = shell.display_formatter.format(tf.constant([[1, 2]]))
        assert data["text/html"] == show_tensor(tf.constant([[1, 2]])).html
        data, _ = shell.display_formatter.format(tf.ragged.constant([[1], [2, 3]]))
        assert "RaggedTensor" in data["text/html"]
        data, _ = shell.display_formatter.format(np.ones(2))
        assert "text/html" not in data  # NumPy arrays keep their own repr
    finally:
        InteractiveShell.clear_instance()


def test_register_ipython_without_a_running_shell(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import IPython

    monkeypatch.setattr(IPython, "get_ipython", lambda: None)
    with pytest.raises(RuntimeError, match="found no running IPython"):
        register_ipython()


def test_register_ipython_uses_the_running_shell(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import IPython

    shell, formatter = fake_shell()
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    register_ipython()
    assert tf.SparseTensor in formatter.registered


def test_register_ipython_without_ipython(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "IPython", None)
    with pytest.raises(RuntimeError, match="needs IPython, which is not installed"):
        register_ipython()


def test_register_ipython_rejects_non_shells() -> None:
    with pytest.raises(
        TypeError,
        match=r"register_ipython\(ip=\.\.\.\) expects an IPython shell; got dict",
    ):
        register_ipython({"text/html": None})


# -- imports ------------------------------------------------------------------


def test_numpy_values_do_not_import_tensorflow_or_pyplot() -> None:
    code = (
        "import sys, numpy as np, tfdocs_helpers.tensors as t\n"
        "assert 'tensorflow' not in sys.modules\n"
        "t.show_tensor(np.ones(3))._repr_html_()\n"
        "t.show_tensor(np.ones((8, 8, 3)))._repr_html_()\n"
        "try:\n"
        "    t.show_tensor({})\n"
        "except TypeError:\n"
        "    pass\n"
        "bad = [m for m in ('tensorflow', 'keras', 'matplotlib.pyplot') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
