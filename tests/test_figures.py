"""The measurement behind the figure check (docs/_ext/tfdocs_figures.py)."""

from __future__ import annotations

import os

os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib.pyplot as plt
import pytest
from IPython.core import pylabtools
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from tfdocs_figures import MARKER, clipped_texts, load_ipython_extension, summarise


def roles(fig: Figure, **options: object) -> list[str]:
    return [clipped.role for clipped in clipped_texts(fig, **options)]


def test_a_laid_out_figure_has_nothing_clipped() -> None:
    fig, (left, right) = plt.subplots(1, 2, figsize=(6, 2.5), layout="constrained")
    for ax in (left, right):
        ax.plot([0, 1], [1, 0], label="loss")
        ax.set(xlabel="epoch", ylabel="loss", title="a title")
        ax.legend()
    fig.suptitle("Both runs")
    assert clipped_texts(fig) == []
    plt.close(fig)


def test_each_kind_of_text_is_named() -> None:
    fig = Figure(figsize=(6, 3))
    first, second = fig.subplots(1, 2)
    fig.subplots_adjust(bottom=0.2)
    first.set_title("high", y=2.5)
    second.plot([0, 1], label="loss")
    second.legend(loc="upper left", bbox_to_anchor=(3, 1))
    second.annotate("note", (0, 0), xytext=(0.5, -2), textcoords="axes fraction")
    fig.text(-0.2, 0.5, "aside")
    found = clipped_texts(fig)
    assert [c.role for c in found] == [
        "title of axes 1",
        "annotation of axes 2",
        "legend entry of axes 2",
        "figure text",
    ]
    assert found[0].text == "high"
    assert set(found[0].overhang) == {"top"}
    assert set(found[-1].overhang) == {"left"}


def test_tick_labels_outside_the_view_are_not_measured() -> None:
    # The axis also positions ticks beyond the view limits (here 1.5, at
    # x = 1.1 of the figure), whose labels are never drawn.
    fig = Figure(figsize=(4, 3))
    ax = fig.add_axes((0.2, 0.2, 0.6, 0.7))
    ax.xaxis.set_ticks([0, 0.5, 1, 1.5])
    ax.set_xlim(0, 1)
    assert roles(fig) == []


def test_tight_saving_grows_the_image_except_for_text_outside_the_layout() -> None:
    fig = Figure(figsize=(3, 2.5))
    ax = fig.subplots()
    ax.set_xlabel("epoch")
    assert roles(fig) == ["x-axis label"]
    assert roles(fig, bbox_inches="tight") == []
    fig.text(0.5, -0.3, "source", in_layout=False)
    assert roles(fig, bbox_inches="tight") == ["figure text"]
    assert roles(fig, bbox_inches="tight", pad_inches=1) == []


def test_a_box_in_inches_is_the_saved_area() -> None:
    fig = Figure(figsize=(3, 2.5), layout="constrained")
    fig.subplots().set_ylabel("loss")
    assert roles(fig) == []
    assert "y-axis label" in roles(fig, bbox_inches=Bbox([[1, 0], [3, 2.5]]))


def test_many_tick_labels_make_one_line() -> None:
    fig = Figure(figsize=(3, 1.2))
    fig.subplots()
    lines = summarise(clipped_texts(fig))
    assert len(lines) == len({c.role for c in clipped_texts(fig)})
    assert any(line.startswith("x tick label '0.0'") for line in lines), lines


@pytest.fixture
def kernel_print_figure(monkeypatch: pytest.MonkeyPatch) -> object:
    monkeypatch.setattr(pylabtools, "print_figure", pylabtools.print_figure)
    load_ipython_extension(None)
    load_ipython_extension(None)  # loading twice wraps once
    return pylabtools.print_figure


def test_the_kernel_reports_clipped_text_on_stderr(
    kernel_print_figure: object, capsys: pytest.CaptureFixture[str]
) -> None:
    fig = Figure(figsize=(3, 2.5))
    fig.subplots().set_xlabel("epoch")
    fig.text(0.5, -0.3, "source", in_layout=False)
    data = pylabtools.print_figure(fig, "png")
    assert data.startswith(b"\x89PNG")
    err = capsys.readouterr().err
    assert err.startswith(f"{MARKER}figure text 'source' is cut off: "), err
    assert err.endswith(" px beyond the bottom edge\n"), err
    assert len(err.splitlines()) == 1, err
    pylabtools.print_figure(fig, "png", bbox_inches=None)
    err = capsys.readouterr().err.splitlines()
    assert [line.split(" is cut off")[0] for line in err] == [
        f"{MARKER}x-axis label 'epoch'",
        f"{MARKER}figure text 'source'",
    ]


def test_the_kernel_says_nothing_about_a_good_figure(
    kernel_print_figure: object, capsys: pytest.CaptureFixture[str]
) -> None:
    fig = Figure(figsize=(3, 2.5))
    fig.subplots().set_xlabel("epoch")
    pylabtools.print_figure(fig, "png")
    assert pylabtools.print_figure(Figure(), "png") is None  # empty: nothing saved
    assert capsys.readouterr().err == ""
